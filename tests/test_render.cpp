// The renderer: every registered env draws a non-blank, deterministic frame that changes with the
// state; GIF / PNG / MP4 outputs hold the frames; record + replay reproduce the same frames.
// Runs under an X display (ctest wraps it in `xvfb-run -a` when DISPLAY is unset).
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_support.hpp"
#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/gallery.hpp"
#include "sgym/error.hpp"
#include "sgym/io.hpp"
#include "sgym/record.hpp"
#include "sgym/render.hpp"
#include "sgym/run_view.hpp"
#include "sgym/runner.hpp"
#include "sgym/window.hpp"
#include "sgym/wrappers.hpp"
#include "sgym/video.hpp"

using namespace sgym;
using namespace sgym::render;
using Catch::Matchers::Contains;

namespace {

std::filesystem::path tmp(const std::string& name) {
  auto p = std::filesystem::temp_directory_path() / ("sgym-render-" + std::to_string(::getpid())) / name;
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p.parent_path());
  return p;
}

// pixels that differ from the scene's background colour
long non_background(const Frame& f, Color bg) {
  long n = 0;
  for (std::size_t i = 0; i < f.rgba.size(); i += 4)
    n += f.rgba[i] != bg.r || f.rgba[i + 1] != bg.g || f.rgba[i + 2] != bg.b;
  return n;
}

Frame render_env(Env& env, int width = 320) {
  DrawList dl;
  env.draw(dl);
  const auto [w, h] = frame_size_for(dl.camera, width);
  FrameRenderer r(w, h);
  return r.render(dl);
}

// shell commands in these tests: sgym::test::run_shell (tests/cli_support.hpp)
sgym::test::Result sh(const std::string& cmd) { return sgym::test::run_shell(cmd); }

// an agent for an env: "random" when it handles the env's spaces, else the first that does
const AgentEntry& agent_for(const Env& env) {
  const AgentEntry* found = nullptr;
  for (const auto& a : agent_registry())
    if (a.incompatibility(env.observation_space(), env.action_space()).empty() && (found == nullptr || a.id == "random"))
      found = &a;
  if (found == nullptr) FAIL("no agent handles " << env.spec().id);
  return *found;
}

// what the CLI does for `sgym record`: env and agent from the registries, the agent seeded as in sgym run
RecordSummary record_ids(const RecordConfig& cfg, const std::string& env_id, const std::string& agent_id, Viewer& viewer) {
  auto env = make_env(env_entry(env_id), cfg.env_options);
  auto agent = make_agent(agent_entry(agent_id), env->observation_space(), env->action_space(), {}, mix_seed(cfg.seed, 1));
  return record(cfg, std::move(env), *agent, viewer);
}

// the CLI's env factory for replay
std::unique_ptr<Env> registry_env(const std::string& id, const KeyValues& options) { return make_env(env_entry(id), options); }

}  // namespace

TEST_CASE("every registered env renders a non-blank frame that depends on the state only", "[render]") {
  REQUIRE(!env_registry().empty());
  for (const auto& e : env_registry()) {
    INFO(e.id);
    auto env = make_env(e, {});
    env->reset(7);
    DrawList first;
    env->draw(first);
    REQUIRE(first.size() > 0);
    const auto [w, h] = frame_size_for(first.camera, 320);
    REQUIRE(w == 320);
    REQUIRE(h % 2 == 0);
    FrameRenderer renderer(w, h);
    const Frame a = renderer.render(first);
    REQUIRE(a.width == w);
    REQUIRE(a.height == h);
    REQUIRE(a.rgba.size() == static_cast<std::size_t>(w) * h * 4);
    // not blank: visible pixels are not background (a task's first frame may be only a fixation
    // point, about 0.4 % of the frame)
    const long drawn = non_background(a, first.background);
    INFO("non-background pixels " << drawn << " of " << w * h);
    REQUIRE(drawn > w * h / 1000);
    // the same state gives the same pixels, in this renderer and in a fresh one
    REQUIRE(renderer.render(first) == a);
    REQUIRE(render_env(*env) == a);
    // another state (after steps with sampled actions) gives another image
    Rng rng(3);
    bool differs = false;
    for (int k = 0; k < 50 && !differs; ++k) {
      const auto r = env->step(env->action_space().sample(rng));
      DrawList dl;
      env->draw(dl);
      differs = renderer.render(dl) != a;
      if (r.terminated || r.truncated) env->reset();  // the next trial is another state too
    }
    REQUIRE(differs);
  }
}

TEST_CASE("frame sizes follow the camera and stay even", "[render]") {
  REQUIRE(frame_size_for({0, 0, 2, 1}, 640) == std::pair{640, 320});
  REQUIRE(frame_size_for({0, 0, 1, 1}, 101) == std::pair{102, 102});
  REQUIRE(frame_size_for({0, 0, 100, 1}, 640).second == 64);  // clamped to 64 high
  REQUIRE_THROWS_AS(frame_size_for({0, 0, 0, 1}, 640), std::runtime_error);
  // a drawn primitive lands where the camera says: a white disc at the centre of the camera
  DrawList dl;
  dl.camera = {-1, -1, 1, 1};
  dl.background = {0, 0, 0, 255};
  dl.circles.push_back({{0.5f, 0.5f}, 0.2f, {255, 255, 255, 255}, {}, 0});
  FrameRenderer r(100, 100);
  const Frame& f = r.render(dl);
  const auto px = [&](int x, int y) { return f.rgba[(static_cast<std::size_t>(y) * 100 + x) * 4]; };
  REQUIRE(px(75, 25) == 255);  // world (0.5, 0.5) is right and up (y flips)
  REQUIRE(px(25, 75) == 0);
  // a concave polygon is filled inside only (an L shape: its notch stays background)
  DrawList l;
  l.camera = {0, 0, 2, 2};
  l.polygons.push_back({{{0, 0}, {2, 0}, {2, 1}, {1, 1}, {1, 2}, {0, 2}}, {255, 0, 0, 255}});
  const Frame& g = r.render(l);
  const auto red = [&](int x, int y) { return g.rgba[(static_cast<std::size_t>(y) * 100 + x) * 4]; };
  REQUIRE(red(25, 25) == 255);   // upper left arm
  REQUIRE(red(75, 75) == 255);   // lower right arm
  REQUIRE(red(75, 25) == 0);     // the notch
}

TEST_CASE("GIF output decodes with giflib to the recorded frames", "[render][gif]") {
  const auto& e = env_registry().front();
  auto env = make_env(e, {});
  env->reset(1);
  MemorySink frames;
  SinkViewer mem(frames, 200, false);
  const auto path = tmp("ep.gif");
  auto gif = make_gif_sink(path, env->spec().render_fps);
  SinkViewer to_gif(*gif, 200, false);
  Rng rng(2);
  for (int k = 0; k < 12; ++k) {
    DrawList dl;
    env->draw(dl);
    mem.show(dl, {});
    to_gif.show(dl, {});
    const auto r = env->step(env->action_space().sample(rng));
    if (r.terminated || r.truncated) env->reset();
  }
  REQUIRE_FALSE(std::filesystem::exists(path));  // only NAME.partial until closed
  gif->close();
  REQUIRE(std::filesystem::exists(path));
  const GifContents c = read_gif(path);
  REQUIRE(c.frames.size() == 12);
  REQUIRE(c.width == frames.all()[0].width);
  REQUIRE(c.height == frames.all()[0].height);
  REQUIRE(c.loops);
  // delays keep the env's fps on average (whole centiseconds)
  long total = 0;
  for (int d : c.delays_cs) total += d;
  REQUIRE(std::abs(total - std::lround(1200.0 / env->spec().render_fps)) <= 1);
  // colours: exact when a frame has <= 256 of them, else within the quantiser's error
  for (std::size_t i = 0; i < c.frames.size(); ++i) {
    const Frame& src = frames.all()[i];
    double err = 0;
    for (std::size_t k = 0; k < src.rgba.size(); k += 4)
      for (int ch = 0; ch < 3; ++ch) err += std::abs(int(src.rgba[k + ch]) - int(c.frames[i].rgba[k + ch]));
    err /= static_cast<double>(src.rgba.size() / 4 * 3);
    INFO("frame " << i << " mean abs colour error " << err);
    REQUIRE(err < 4.0);
  }
  // a closed sink refuses frames; a broken file is an error naming it
  REQUIRE_THROWS(gif->add(frames.all()[0]));
  const auto bad = tmp("bad.gif");
  write_file_atomic(bad, "GIF89a nonsense");
  REQUIRE_THROWS_WITH(read_gif(bad), Contains("bad.gif"));
}

TEST_CASE("PNG directories and output forms", "[render]") {
  const auto dir = tmp("frames");
  std::ostringstream msg;
  auto sink = make_sink(dir, 10, msg);
  auto env = make_env(env_registry().front(), {});
  env->reset(1);
  SinkViewer v(*sink, 160, true);
  DrawList dl;
  env->draw(dl);
  Overlay ov;
  ov.lines = {"episode 1  step 0"};
  ov.traces = {{"rpe", {0.0f, 0.5f, -0.2f}}};
  v.show(dl, ov);
  v.show(dl, ov);
  sink->close();
  REQUIRE(std::filesystem::exists(dir / "frame-000000.png"));
  REQUIRE(std::filesystem::exists(dir / "frame-000001.png"));
  REQUIRE_FALSE(std::filesystem::exists(dir / "frame-000002.png"));
  const Frame back = load_image(dir / "frame-000000.png");
  REQUIRE(back == load_image(dir / "frame-000001.png"));
  // the overlay takes bands above and below the scene, which keeps its own size
  const auto [w, h] = frame_size_with(dl.camera, 160, ov);
  REQUIRE(back.height == h);
  REQUIRE(h > frame_size_for(dl.camera, 160).second + 80);
  FrameRenderer r(w, h);
  REQUIRE(back == r.render(dl, &ov));
  REQUIRE(back != r.render(dl));
  // unknown forms are usage errors naming the choices
  REQUIRE_THROWS_AS(make_sink(tmp("x.avi"), 10, msg), UsageError);
  REQUIRE_THROWS_WITH(make_sink(tmp("x.avi"), 10, msg), Contains(".gif") && Contains(".mp4"));
}

TEST_CASE("MP4: frames are piped to ffmpeg, and without it a clear message and a GIF", "[render][mp4]") {
  auto env = make_env(env_registry().front(), {});
  env->reset(1);
  DrawList dl;
  env->draw(dl);
  // without ffmpeg: the message names it and the GIF written instead
  ::setenv("SGYM_FFMPEG", "", 1);
  std::ostringstream msg;
  const auto mp4 = tmp("movie.mp4");
  auto sink = make_sink(mp4, 10, msg);
  REQUIRE_THAT(msg.str(), Contains("ffmpeg is not installed") && Contains("movie.gif"));
  {
    SinkViewer v(*sink, 160, false);
    v.show(dl, {});
  }
  sink->close();
  REQUIRE(read_gif(mp4.parent_path() / "movie.gif").frames.size() == 1);
  // a stand-in ffmpeg that checks the arguments and stores stdin: the bytes are the raw frames
  const auto fake = tmp("fake-ffmpeg.sh");
  write_file_atomic(fake, "#!/bin/sh\n"
                          "case \"$*\" in *'-f rawvideo -pix_fmt rgba -s 160x'*'-framerate 10 -i -'*) ;; *) echo bad args: \"$*\" >&2; exit 3;; esac\n"
                          "for last; do :; done\ncat > \"$last\"\n");
  std::filesystem::permissions(fake, std::filesystem::perms::owner_all);
  ::setenv("SGYM_FFMPEG", fake.c_str(), 1);
  REQUIRE(find_ffmpeg() == fake.string());
  std::ostringstream msg2;
  auto real = make_sink(mp4, 10, msg2);
  REQUIRE(msg2.str().empty());
  MemorySink mem;
  {
    SinkViewer v(*real, 160, false), m(mem, 160, false);
    for (int k = 0; k < 3; ++k) {
      v.show(dl, {});
      m.show(dl, {});
    }
  }
  real->close();
  ::unsetenv("SGYM_FFMPEG");
  const std::string bytes = read_file(mp4);
  const Frame& f = mem.all()[0];
  REQUIRE(bytes.size() == 3 * f.rgba.size());
  REQUIRE(std::equal(f.rgba.begin(), f.rgba.end(), reinterpret_cast<const std::uint8_t*>(bytes.data())));
  // with a real ffmpeg installed (optional: not in scripts/install-deps.sh), an H.264 file whose
  // frame count ffprobe reads back
  if (const auto ffmpeg = find_ffmpeg(); ffmpeg && sh("command -v ffprobe").code == 0) {
    const auto real_mp4 = tmp("real.mp4");
    auto out = make_mp4_sink(real_mp4, 10, *ffmpeg);
    {
      SinkViewer v(*out, 160, false);
      for (int k = 0; k < 5; ++k) v.show(dl, {});
    }
    out->close();
    const auto probe = sh("ffprobe -v error -count_frames -show_entries stream=codec_name,nb_read_frames -of csv=p=0 " +
                          real_mp4.string());
    REQUIRE_THAT(probe.out, Contains("h264") && Contains("5"));
  }
}

TEST_CASE("record and replay give the same frames for every env", "[render][replay]") {
  for (const auto& e : env_registry()) {
    INFO(e.id);
    auto probe = make_env(e, {});
    RecordConfig cfg;
    const std::string agent_id = agent_for(*probe).id;
    cfg.episodes = 2;
    cfg.seed = 11;
    cfg.trajectory = tmp(e.id + ".jsonl");
    MemorySink recorded;
    SinkViewer rv(recorded, 160, false);
    const RecordSummary rs = record_ids(cfg, e.id, agent_id, rv);
    REQUIRE(rs.episodes == 2);
    REQUIRE(rs.frames == rs.steps + 2);
    REQUIRE(recorded.frames() == rs.frames);
    // the file alone rebuilds the env: no sidecar
    REQUIRE_FALSE(std::filesystem::exists(trajectory_meta_path(cfg.trajectory)));

    MemorySink replayed;
    SinkViewer pv(replayed, 160, false);
    const ReplaySummary ps = replay({cfg.trajectory, std::nullopt, std::nullopt}, registry_env, pv);
    REQUIRE(ps.env == e.id);
    REQUIRE(ps.episodes == 2);
    REQUIRE(ps.steps == rs.steps);
    REQUIRE(replayed.frames() == recorded.frames());
    for (std::size_t i = 0; i < recorded.all().size(); ++i) {
      INFO("frame " << i);
      REQUIRE(replayed.all()[i] == recorded.all()[i]);
    }

    // every k-th episode: episodes 0 and 2 of 3 are shown
    cfg.trajectory.clear();
    cfg.episodes = 3;
    cfg.every = 2;
    MemorySink sparse;
    SinkViewer sv(sparse, 160, false);
    const RecordSummary ss = record_ids(cfg, e.id, agent_id, sv);
    REQUIRE(ss.episodes == 3);
    REQUIRE(ss.shown_episodes == 2);
    REQUIRE(sparse.frames() < ss.steps + 3);
    REQUIRE(sparse.all()[0] == recorded.all()[0]);
  }
}

TEST_CASE("replay refuses a trajectory the env does not reproduce", "[render][replay]") {
  const auto& e = env_registry().front();
  RecordConfig cfg;
  cfg.episodes = 1;
  cfg.trajectory = tmp("tamper.jsonl");
  MemorySink sink;
  SinkViewer v(sink, 120, false);
  record_ids(cfg, e.id, "random", v);
  // change one recorded reward
  std::string text = read_file(cfg.trajectory);
  const auto line = text.rfind('\n', text.find("\"step\":1,")) + 1;  // keys are in any order
  const auto pos = text.find("\"reward\":", line);
  REQUIRE(pos != std::string::npos);
  text.replace(pos, 9, "\"reward\":123.5,\"x\":");
  write_file_atomic(cfg.trajectory, text);
  MemorySink out;
  SinkViewer ov(out, 120, false);
  REQUIRE_THROWS_WITH(replay({cfg.trajectory, std::nullopt, std::nullopt}, registry_env, ov),
                      Contains("diverged at episode 0 step 1") && Contains("reward"));
  // a missing file is a usage error
  REQUIRE_THROWS_AS(replay({tmp("none.jsonl"), std::nullopt, std::nullopt}, registry_env, ov), UsageError);
}

TEST_CASE("a trajectory replays from its header alone; old files with a sidecar still replay", "[render][replay]") {
  // non-default options and a seed: both must come from the header and the reset records
  RecordConfig cfg;
  cfg.env_options = {{"omission_prob", "0.5"}, {"probe_every", "3"}};
  cfg.episodes = 6;
  cfg.seed = 7;
  cfg.trajectory = tmp("header.jsonl");
  MemorySink recorded;
  SinkViewer rv(recorded, 120, false);
  record_ids(cfg, "Pavlovian-v0", "td-critic", rv);
  const Trajectory t = read_trajectory_file(cfg.trajectory);
  REQUIRE(t.header.version == 2);
  REQUIRE(t.header.env == "Pavlovian-v0");
  REQUIRE(t.header.env_options == cfg.env_options);
  REQUIRE(t.header.sgym_version == build_version());
  REQUIRE(t.steps.front().has_reset_seed);
  REQUIRE(t.steps.front().reset_seed == std::optional<std::uint64_t>(7));
  REQUIRE(std::count_if(t.steps.begin(), t.steps.end(), [](const TrajectoryStep& s) { return !s.action; }) == 6);
  for (const auto& s : t.steps)
    if (!s.action && &s != &t.steps.front()) REQUIRE_FALSE(s.reset_seed);  // later episodes continue the stream
  auto same_frames = [&](const std::filesystem::path& file) {
    MemorySink replayed;
    SinkViewer pv(replayed, 120, false);
    const ReplaySummary ps = replay({file, std::nullopt, std::nullopt}, registry_env, pv);
    REQUIRE(ps.episodes == 6);
    REQUIRE(replayed.all() == recorded.all());
  };
  same_frames(cfg.trajectory);
  // with other options the same file diverges: the header's options are really used
  MemorySink other;
  SinkViewer ov(other, 120, false);
  REQUIRE_THROWS_WITH(replay({cfg.trajectory, KeyValues{{"omission_prob", "0"}}, std::nullopt}, registry_env, ov), Contains("diverged"));

  // the same recording as an earlier build wrote it: a version-1 header without options, reset
  // records without seeds, and the options and seed in FILE.meta.json
  std::istringstream in(read_file(cfg.trajectory));
  std::ostringstream v1;
  std::string line;
  std::getline(in, line);
  v1 << R"({"format":"sgym-trajectory","version":1,"env":"Pavlovian-v0","observation_space":")"
     << t.header.observation_space << R"(","action_space":")" << t.header.action_space << "\"}\n";
  while (std::getline(in, line)) {
    for (const std::string key : {",\"seed\":7", ",\"seed\":null"})
      if (const auto p = line.find(key); p != std::string::npos) line.erase(p, key.size());
    REQUIRE(line.find("\"seed\"") == std::string::npos);
    v1 << line << "\n";
  }
  const auto old_file = tmp("old.jsonl");
  write_file_atomic(old_file, v1.str());
  REQUIRE(read_trajectory_file(old_file).header.version == 1);
  REQUIRE_FALSE(read_trajectory_file(old_file).header.env_options);
  // without its sidecar the old file holds neither the options nor the seed: the default env diverges
  REQUIRE_THROWS_WITH(replay({old_file, std::nullopt, std::nullopt}, registry_env, ov), Contains("diverged"));
  write_file_atomic(trajectory_meta_path(old_file),
                    R"({"format":"sgym-trajectory-meta","version":1,"env":"Pavlovian-v0",)"
                    R"("env_options":[["omission_prob","0.5"],["probe_every","3"]],"seed":7})");
  same_frames(old_file);
}

TEST_CASE("sgym record and sgym replay on the command line", "[render][cli]") {
  const auto gif = tmp("cli.gif"), traj = tmp("cli.jsonl"), d1 = tmp("rec"), d2 = tmp("rep");
  const std::string bin = SGYM_BINARY;
  const std::string env = env_registry().front().id;
  auto r = sh(bin + " record --env " + env + " --agent random --episodes 2 --seed 3 --render-width 200 --out " +
              gif.string() + " --trajectory " + traj.string());
  INFO(r.out);
  REQUIRE(r.code == 0);
  REQUIRE_THAT(r.out, Contains("animated GIF"));
  REQUIRE_THAT(r.out, !Contains("deprecated"));
  const GifContents c = read_gif(gif);
  REQUIRE(c.width == 200);
  // the same run as PNG frames, then its replay as PNG frames: identical files
  // the old flag names still work, with a warning (the same names as sgym run --render now)
  r = sh(bin + " record --env " + env + " --agent random --episodes 2 --seed 3 --width 200 --every 1 --out " + d1.string() + "/");
  REQUIRE(r.code == 0);
  REQUIRE_THAT(r.out, Contains("--width is deprecated") && Contains("use --render-width"));
  REQUIRE_THAT(r.out, Contains("--every is deprecated") && Contains("use --render-every"));
  r = sh(bin + " record --env " + env + " --agent random --signals x --out " + tmp("alias.gif").string());
  REQUIRE(r.code == 2);
  REQUIRE_THAT(r.out, Contains("--signals is deprecated") && Contains("--overlay-signals"));
  r = sh(bin + " record --env " + env + " --agent random --width 100 --render-width 200 --out " + tmp("both.gif").string());
  REQUIRE(r.code != 0);
  r = sh(bin + " replay " + traj.string() + " --width 200 --out " + d2.string() + "/");
  INFO(r.out);
  REQUIRE(r.code == 0);
  long n = 0;
  for (const auto& f : std::filesystem::directory_iterator(d1)) {
    ++n;
    REQUIRE(read_file(f.path()) == read_file(d2 / f.path().filename()));
  }
  REQUIRE(n == static_cast<long>(c.frames.size()));
  // usage errors: exit code 2 with the reason
  r = sh(bin + " record --env " + env + " --agent random --out " + tmp("x.avi").string());
  REQUIRE(r.code == 2);
  REQUIRE_THAT(r.out, Contains(".gif"));
  r = sh(bin + " record --env Nope-v0 --agent random --out " + gif.string());
  REQUIRE(r.code == 2);
}

TEST_CASE("the gallery pictures every registered env", "[render][gallery]") {
  const auto root = tmp("gallery-root");
  // the CLI chooses each env's agent; here the tests' choice does
  std::vector<GallerySubject> subjects;
  for (const auto& e : env_registry()) {
    const AgentEntry& a = agent_for(*make_env(e, {}));
    subjects.push_back({e.id, a.id, e.description, [&e] { return make_env(e, {}); }, [&a](const Env& env) {
                          return make_agent(a, env.observation_space(), env.action_space(), {}, mix_seed(1, 1));
                        }});
  }
  const auto entries = write_gallery(root, subjects, 200);
  REQUIRE(entries.size() == env_registry().size());
  const std::string md = read_file(root / "gallery.md");
  for (const auto& g : entries) {
    INFO(g.env);
    REQUIRE_THAT(md, Contains("## " + g.env) && Contains(g.png.generic_string()));
    const Frame f = load_image(root / g.png);
    REQUIRE(f.width == 200);
    const Frame first = read_gif(root / g.gif).frames.front();
    REQUIRE(static_cast<int>(read_gif(root / g.gif).frames.size()) == g.frames);
    REQUIRE(first.width == 100);
    REQUIRE(non_background(f, {first.rgba[0], first.rgba[1], first.rgba[2], 255}) > 0);
  }
}

TEST_CASE("the window: frames, pause, single step, speed and quit", "[render][window]") {
  auto env = make_env(env_registry().front(), {});
  env->reset(1);
  DrawList dl;
  env->draw(dl);
  WindowViewer w("sgym test", 200);
  w.set_fps(1000);  // no pacing delay worth waiting for
  Overlay ov;
  ov.lines = {"test"};
  REQUIRE(w.show(dl, ov));
  REQUIRE(w.rate() == Approx(1000));
  w.command(WindowCommand::kFaster);
  REQUIRE(w.rate() == Approx(2000));
  w.command(WindowCommand::kSlower);
  w.command(WindowCommand::kSlower);
  REQUIRE(w.rate() == Approx(500));
  // paused, a granted single step lets exactly one frame through
  w.command(WindowCommand::kTogglePause);
  REQUIRE(w.paused());
  w.command(WindowCommand::kStep);
  REQUIRE(w.show(dl, ov));
  w.command(WindowCommand::kTogglePause);
  REQUIRE_FALSE(w.paused());
  REQUIRE(w.show(dl, ov));
  // quit: show() says stop, and keeps saying it
  w.command(WindowCommand::kQuit);
  REQUIRE_FALSE(w.show(dl, ov));
  REQUIRE_FALSE(w.show(dl, ov));
}

namespace {
// a viewer that stops after `limit` frames, as a closed window does
class StopAfter final : public Viewer {
 public:
  explicit StopAfter(long limit) : limit_(limit) {}
  bool show(const DrawList&, const Overlay& ov) override {
    lines_ = ov.lines;
    overlay_ = ov;
    return ++shown_ < limit_;
  }
  bool wants_overlay() const override { return true; }
  long shown_ = 0;
  std::vector<std::string> lines_;
  Overlay overlay_;

 private:
  long limit_;
};
}  // namespace

TEST_CASE("rendering inside sgym run: every state shown with the agent's signals, a closed window stops the run",
          "[render][window]") {
  RunConfig cfg;
  cfg.env_id = "Pavlovian-v0";
  cfg.agent_id = "td-critic";
  cfg.episodes = 4;
  cfg.out_dir = tmp("run-render");
  const auto& e = env_entry(cfg.env_id);
  const auto& a = agent_entry(cfg.agent_id);
  const std::vector<std::string> names = {"rpe", "value"};
  auto all = std::make_shared<StopAfter>(1000000);
  cfg.observer = run_observer(all, {2, cfg.episodes, {"rpe"}}, names, cfg.agent_id);
  const RunSummary s = sgym::run(cfg, e, a);
  // episodes 0 and 2 are shown: reset + 30 steps each
  REQUIRE(all->shown_ == 2 * 31);
  REQUIRE_THAT(all->lines_.at(0), Contains("Pavlovian-v0") && Contains("episode 3/4") && Contains("step 30"));
  REQUIRE_THAT(all->lines_.at(1), Contains("td-critic (learning)") && Contains("rpe ") && !Contains("value"));
  REQUIRE(all->overlay_.traces.size() == 1);
  REQUIRE(all->overlay_.traces[0].name == "rpe");
  REQUIRE(all->overlay_.traces[0].values.size() == 60);  // every shown step, oldest first
  REQUIRE(all->overlay_.bars.empty());
  REQUIRE_FALSE(s.stopped_early);
  // the default: the first scalar signals
  auto dflt = std::make_shared<StopAfter>(1000000);
  cfg.out_dir = tmp("run-render-default");
  cfg.observer = run_observer(dflt, {1, cfg.episodes, {}}, names, cfg.agent_id);
  sgym::run(cfg, e, a);
  REQUIRE(dflt->overlay_.traces.size() == 2);
  REQUIRE(dflt->overlay_.traces[1].name == "value");
  // a bad name is a usage error listing the valid ones
  REQUIRE_THROWS_WITH(run_observer(dflt, {1, 4, {"rpe", "gaze"}}, names, cfg.agent_id),
                      Contains("--overlay-signals") && Contains("'gaze'") && Contains("rpe, value"));
  // a vector signal (action probabilities over fixate / match / non-match) is drawn as bars
  RunConfig dmc = cfg;
  dmc.env_id = "DelayMatchCategory-v0";
  dmc.agent_id = "td-actor-critic";
  dmc.episodes = 2;
  dmc.out_dir = tmp("run-render-bars");
  auto bars = std::make_shared<StopAfter>(1000000);
  dmc.observer = run_observer(bars, {1, dmc.episodes, {"action_probs", "rpe"}}, {"rpe", "value", "action_probs"}, dmc.agent_id);
  const RunSummary ds = sgym::run(dmc, env_entry(dmc.env_id), agent_entry(dmc.agent_id));
  REQUIRE(bars->shown_ == ds.total_steps + 2);
  REQUIRE(bars->overlay_.bars.size() == 1);
  REQUIRE(bars->overlay_.bars[0].name == "action_probs");
  REQUIRE(bars->overlay_.bars[0].values.size() == 3);
  REQUIRE(bars->overlay_.bars[0].values[0] + bars->overlay_.bars[0].values[1] + bars->overlay_.bars[0].values[2] ==
          Approx(1.0f));
  REQUIRE(bars->overlay_.traces.size() == 1);
  // a viewer that stops (a closed window): the run ends cleanly with every file and says so
  cfg.out_dir = tmp("run-render-stop");
  auto stop = std::make_shared<StopAfter>(5);
  cfg.observer = run_observer(stop, {1, cfg.episodes, {}}, names, cfg.agent_id);
  const RunSummary st = sgym::run(cfg, e, a);
  REQUIRE(stop->shown_ == 5);
  REQUIRE(st.stopped_early);
  REQUIRE(st.total_steps == 4);
  for (const char* f : {"summary.json", "episodes.csv", "agent.sgym", "trials.jsonl"})
    REQUIRE(std::filesystem::exists(cfg.out_dir / f));
  REQUIRE_THAT(read_file(cfg.out_dir / "summary.json"), Contains("\"stopped_early\": true"));

  // the overlay's bars and traces are drawn: frames with and without them differ below the scene
  auto env = make_env(e, {});
  env->reset(1);
  DrawList dl;
  env->draw(dl);
  Overlay with = bars->overlay_, without = bars->overlay_;
  for (auto& b : without.bars) std::fill(b.values.begin(), b.values.end(), 0.0f);
  const auto [w, h] = frame_size_with(dl.camera, 240, with);
  FrameRenderer r(w, h);
  const Frame f1 = r.render(dl, &with);
  const Frame f2 = r.render(dl, &without);
  REQUIRE(f1.height == h);
  REQUIRE(f1 != f2);

  // on the command line: --render rgb writes the frames with the overlay, and the run its usual files
  const auto gif = tmp("run.gif");
  auto rr = sh(std::string(SGYM_BINARY) + " run --env Pavlovian-v0 --agent td-critic --episodes 3 --render rgb "
               "--render-every 2 --render-width 120 --overlay-signals value --render-out " + gif.string() +
               " --out " + tmp("run-cli").string());
  INFO(rr.out);
  REQUIRE(rr.code == 0);
  REQUIRE_THAT(rr.out, Contains("wrote") && Contains("animated GIF"));
  const GifContents g = read_gif(gif);
  REQUIRE(g.width == 120);
  REQUIRE(g.frames.size() == 2 * 31);
  REQUIRE(std::filesystem::exists(gif.parent_path() / "run-cli" / "summary.json"));
  const auto bad = tmp("run-cli-bad");
  rr = sh(std::string(SGYM_BINARY) + " run --env Pavlovian-v0 --agent td-critic --episodes 3 --render rgb --render-out " +
          gif.string() + " --overlay-signals rpe,nope --out " + bad.string());
  REQUIRE(rr.code == 2);
  REQUIRE_THAT(rr.out, Contains("'nope'") && Contains("rpe, value"));
  REQUIRE_FALSE(std::filesystem::exists(bad));
}
