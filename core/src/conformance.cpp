#include "sgym/conformance.hpp"

#include <cctype>
#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "sgym/error.hpp"
#include "sgym/interact.hpp"
#include "sgym/io.hpp"

namespace sgym {

bool CheckReport::all_passed() const {
  for (const auto& c : checks)
    if (!c.passed) return false;
  return !checks.empty();
}

namespace {

constexpr int kSteps = 1000;

std::uint64_t hash_value(const InfoValue& v, std::uint64_t h) {
  return std::visit([h](const auto& x) {
    using T = std::decay_t<decltype(x)>;
    if constexpr (std::is_same_v<T, std::string>) return fnv1a64(x.data(), x.size(), h);
    else if constexpr (std::is_same_v<T, std::vector<float>>) return fnv1a64(x.data(), x.size() * sizeof(float), h);
    else return fnv1a64(&x, sizeof x, h);
  }, v);
}

std::uint64_t hash_info(const Info& info, std::uint64_t h) {
  for (const auto& [k, v] : info.items()) h = hash_value(v, fnv1a64(k.data(), k.size(), h));
  return h;
}

std::uint64_t hash_obs(std::span<const float> obs, std::uint64_t h) {
  return fnv1a64(obs.data(), obs.size() * sizeof(float), h);
}

// records the outcome of one check, turning an unexpected exception into a failure
template <class F>
void run_check(CheckReport& report, const std::string& name, F&& f) {
  CheckResult c{name, false, ""};
  try {
    c.detail = f();
    c.passed = c.detail.rfind("FAIL: ", 0) != 0;
    if (!c.passed) c.detail = c.detail.substr(6);
  } catch (const std::exception& e) {
    c.detail = std::string("unexpected exception: ") + e.what();
  }
  report.checks.push_back(std::move(c));
}

std::string fail(const std::string& s) { return "FAIL: " + s; }

std::uint64_t hash_reset(const ResetResult& r, std::uint64_t h) { return hash_info(r.info, hash_obs(r.obs, h)); }

std::uint64_t hash_step(const StepResult& r, std::uint64_t h) {
  h = hash_obs(r.obs, h);
  h = fnv1a64(&r.reward, sizeof r.reward, h);
  const unsigned char flags = static_cast<unsigned char>(r.terminated) | (r.truncated << 1);
  h = fnv1a64(&flags, 1, h);
  return hash_info(r.info, h);
}

}  // namespace

std::uint64_t trajectory_hash(Env& env, std::uint64_t seed, int steps) {
  Rng actions(mix_seed(seed, 0xAC7));
  Action a;
  std::uint64_t h = 0xcbf29ce484222325ULL;
  h = hash_reset(env.reset(seed), h);
  for (int t = 0; t < steps; ++t) {
    env.action_space().sample_into(actions, a);
    StepResult r = env.step(a);
    h = hash_step(r, h);
    if (r.terminated || r.truncated) h = hash_reset(env.reset(), h);
  }
  return h;
}

CheckReport check_env(const EnvMaker& make, std::uint64_t seed) {
  CheckReport report;
  std::unique_ptr<Env> env;
  run_check(report, "construct", [&] {
    env = make();
    return env->spec().id + ": observation " + env->observation_space().describe() + ", action " +
           env->action_space().describe();
  });
  if (!env) return report;
  const EnvSpec& spec = env->spec();

  run_check(report, "spec", [&]() -> std::string {
    if (spec.version() < 0) return fail("id '" + spec.id + "' has no -vN version suffix");
    if (spec.max_episode_steps < 1) return fail("max_episode_steps must be >= 1 so episodes end");
    if (!(spec.reward_min <= spec.reward_max)) return fail("reward range is empty");
    if (!(spec.render_fps > 0)) return fail("render_fps must be > 0");
    if (spec.trial_based && spec.epochs.empty()) return fail("trial-based env lists no epochs");
    std::size_t covered = 0;
    for (std::size_t i = 0; i < spec.obs_layout.size(); ++i) {
      const auto& s = spec.obs_layout[i];
      if (s.offset != covered) return fail("obs_layout slice '" + s.name + "' does not start where the last ended");
      for (std::size_t j = 0; j < i; ++j)
        if (spec.obs_layout[j].name == s.name) return fail("obs_layout names the slice '" + s.name + "' twice");
      if (env->observation_space().find_slice(s.name) == nullptr)
        return fail("obs_layout slice '" + s.name + "' is not on the observation space (agents look slices up there)");
      covered += s.size;
    }
    if (!spec.obs_layout.empty() && covered != env->observation_space().flat_size())
      return fail("obs_layout covers " + std::to_string(covered) + " of " +
                  std::to_string(env->observation_space().flat_size()) + " elements");
    return "version " + std::to_string(spec.version()) + ", max_episode_steps " +
           std::to_string(spec.max_episode_steps) + ", reward range [" + std::to_string(spec.reward_min) +
           ", " + std::to_string(spec.reward_max) + "]";
  });

  run_check(report, "step before reset is rejected", [&]() -> std::string {
    auto fresh = make();
    Rng r(1);
    try {
      fresh->step(fresh->action_space().sample(r));
    } catch (const ResetNeeded& e) {
      return e.what();
    }
    return fail("step() before reset() did not throw ResetNeeded");
  });

  // a long random rollout checks spaces, rewards, episode ends and trial info together
  int episodes = 0, longest = 0;
  run_check(report, "observations in space, rewards finite and in range, trial info", [&]() -> std::string {
    Rng ar(mix_seed(seed, 1));
    Action a;
    ResetResult r0 = env->reset(seed);
    if (r0.obs.size() != env->observation_space().flat_size())
      return fail("reset observation has " + std::to_string(r0.obs.size()) + " elements");
    if (auto why = env->observation_space().why_not(r0.obs); !why.empty())
      return fail("reset observation outside " + env->observation_space().describe() + ": " + why);
    int len = 0;
    for (int t = 0; t < kSteps; ++t) {
      env->action_space().sample_into(ar, a);
      StepResult r = env->step(a);
      ++len;
      if (auto why = env->observation_space().why_not(r.obs); !why.empty())
        return fail("step " + std::to_string(t) + ": observation outside space: " + why);
      if (!std::isfinite(r.reward)) return fail("step " + std::to_string(t) + ": reward is not finite");
      if (r.reward < spec.reward_min || r.reward > spec.reward_max)
        return fail("step " + std::to_string(t) + ": reward " + std::to_string(r.reward) +
                    " outside the declared range");
      if (spec.trial_based) {
        if (r.info.string_or_empty(info_keys::kEpoch).empty())
          return fail("step " + std::to_string(t) + ": info has no epoch name");
        if (!r.info.has(info_keys::kTrialOutcome))
          return fail("step " + std::to_string(t) + ": info has no trial_outcome");
      }
      if (r.terminated || r.truncated) {
        ++episodes;
        longest = std::max(longest, len);
        len = 0;
        env->reset();
      }
    }
    return std::to_string(kSteps) + " steps, " + std::to_string(episodes) + " episodes";
  });

  run_check(report, "episodes end within max_episode_steps", [&]() -> std::string {
    if (episodes == 0)
      return fail("no episode ended in " + std::to_string(kSteps) + " steps");
    if (longest > spec.max_episode_steps)
      return fail("an episode lasted " + std::to_string(longest) + " steps, max is " +
                  std::to_string(spec.max_episode_steps));
    return "longest episode " + std::to_string(longest) + " steps";
  });

  run_check(report, "step after the end is rejected", [&]() -> std::string {
    Rng ar(3);
    env->reset(seed);
    for (int t = 0; t <= spec.max_episode_steps; ++t) {
      StepResult r = env->step(env->action_space().sample(ar));
      if (r.terminated || r.truncated) break;
    }
    if (!env->needs_reset()) return fail("episode did not end within max_episode_steps");
    try {
      env->step(env->action_space().sample(ar));
    } catch (const ResetNeeded& e) {
      return e.what();
    }
    return fail("step() after the episode ended did not throw ResetNeeded");
  });

  std::uint64_t h1 = 0;
  run_check(report, "reset(seed) reproduces the trajectory", [&]() -> std::string {
    h1 = trajectory_hash(*env, seed);
    auto other = make();
    const std::uint64_t h2 = trajectory_hash(*other, seed);
    const std::uint64_t h3 = trajectory_hash(*env, seed);
    if (h1 != h2) return fail("two envs with the same seed differ");
    if (h1 != h3) return fail("reset(seed) on a used env differs from a fresh one");
    std::ostringstream ss;
    ss << "hash " << std::hex << h1;
    return ss.str();
  });
  report.golden_hash = h1;

  run_check(report, spec.deterministic ? "declared deterministic: seeds do not matter"
                                       : "different seeds diverge", [&]() -> std::string {
    auto other = make();
    // the action stream is tied to the seed too, so hold it fixed and vary only the env's seed
    Rng ar(99);
    Action a;
    std::uint64_t ha = 0, hb = 0;
    for (int which = 0; which < 2; ++which) {
      Env& e = which == 0 ? *env : *other;
      Rng actions = ar;
      std::uint64_t h = 0;
      h = hash_reset(e.reset(which == 0 ? seed : seed + 1), h);
      for (int t = 0; t < kSteps; ++t) {
        e.action_space().sample_into(actions, a);
        StepResult r = e.step(a);
        h = hash_step(r, h);
        if (r.terminated || r.truncated) h = hash_reset(e.reset(), h);
      }
      (which == 0 ? ha : hb) = h;
    }
    if (spec.deterministic && ha != hb) return fail("declared deterministic, but seeds change the trajectory");
    if (!spec.deterministic && ha == hb) return fail("seeds " + std::to_string(seed) + " and " + std::to_string(seed + 1) + " give the same 1000 steps");
    return spec.deterministic ? "same trajectory under two seeds" : "trajectories differ";
  });

  run_check(report, "bad actions are rejected without side effects", [&]() -> std::string {
    const Space& as = env->action_space();
    std::vector<std::pair<std::string, Action>> bad;
    if (as.is_discrete()) {
      bad.push_back({"index -1", Action::discrete(-1)});
      bad.push_back({"index n", Action::discrete(as.n())});
      bad.push_back({"a vector", Action::box({0.0f})});
    } else {
      Rng r(5);
      Action ok = as.sample(r);
      Action shorter = ok;
      shorter.values.pop_back();
      Action longer = ok;
      longer.values.push_back(0.0f);
      Action nan = ok;
      nan.values[0] = std::numeric_limits<float>::quiet_NaN();
      bad.push_back({"too few values", shorter});
      bad.push_back({"too many values", longer});
      bad.push_back({"NaN", nan});
      if (std::isfinite(as.high()[0])) {
        Action high = ok;
        high.values[0] = std::nextafter(as.high()[0], std::numeric_limits<float>::infinity());
        bad.push_back({"above high", high});
      }
      if (std::isfinite(as.low()[0])) {
        Action low = ok;
        low.values[0] = std::nextafter(as.low()[0], -std::numeric_limits<float>::infinity());
        bad.push_back({"below low", low});
      }
    }
    // interleave rejected actions with a normal rollout: its hash must equal a clean rollout
    auto clean = make();
    const std::uint64_t want = trajectory_hash(*clean, seed, 50);
    Rng actions(mix_seed(seed, 0xAC7));
    Action a;
    std::uint64_t h = 0xcbf29ce484222325ULL;
    h = hash_reset(env->reset(seed), h);
    std::string first_message;
    for (int t = 0; t < 50; ++t) {
      for (const auto& [what, b] : bad) {
        try {
          env->step(b);
          return fail("action with " + what + " was accepted");
        } catch (const InvalidAction& e) {
          const std::string msg = e.what();
          if (msg.find(spec.id) == std::string::npos || msg.find(as.describe()) == std::string::npos)
            return fail("message does not name the env and the space: " + msg);
          if (first_message.empty()) first_message = msg;
        }
      }
      as.sample_into(actions, a);
      StepResult r = env->step(a);
      h = hash_step(r, h);
      if (r.terminated || r.truncated) h = hash_reset(env->reset(), h);
    }
    if (h != want) return fail("rejected actions changed the trajectory");
    return std::to_string(bad.size()) + " kinds rejected, e.g. \"" + first_message + "\"";
  });

  run_check(report, "draw", [&]() -> std::string {
    env->reset(seed);
    DrawList dl;
    env->draw(dl);
    if (dl.size() == 0) return fail("draw() produced no primitives");
    if (!(dl.camera.x_max > dl.camera.x_min && dl.camera.y_max > dl.camera.y_min))
      return fail("camera rectangle is empty");
    return std::to_string(dl.size()) + " primitives";
  });
  return report;
}

CheckReport check_agent(const AgentMaker& make_agent, const EnvMaker& make_env,
                        const std::filesystem::path& scratch_dir, std::uint64_t seed) {
  CheckReport report;
  auto env = make_env();
  std::unique_ptr<Agent> agent;
  run_check(report, "construct", [&] {
    agent = make_agent(seed);
    return agent->id() + " on " + env->spec().id;
  });
  if (!agent) return report;

  // runs one episode, returning a hash of the actions and signals
  auto episode = [&](Agent& ag, Env& e, std::uint64_t env_seed) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    std::vector<float> obs;
    EpisodeHooks hooks;
    hooks.on_step = [&](const EpisodeStep& st) {
      if (st.action == nullptr) return true;
      h = fnv1a64(&st.action->index, sizeof st.action->index, h);
      h = fnv1a64(st.action->values.data(), st.action->values.size() * sizeof(float), h);
      for (const auto& s : ag.introspect()) h = fnv1a64(s.values.data(), s.values.size() * sizeof(float), h);
      return true;
    };
    play_episode(e, ag, env_seed, obs, hooks);
    return h;
  };

  run_check(report, "runs an episode", [&] {
    episode(*agent, *env, seed);
    return std::string("ok");
  });

  const std::filesystem::path file = scratch_dir / (agent->id() + "-" + env->spec().id + ".sgym");
  run_check(report, "save/load reproduces the next episode", [&]() -> std::string {
    agent->save(file);
    auto copy = make_agent(seed + 1000);
    copy->load(file);
    auto env2 = make_env();
    const std::uint64_t ha = episode(*agent, *env, seed + 1);
    const std::uint64_t hb = episode(*copy, *env2, seed + 1);
    if (ha != hb) return fail("the loaded agent acts or signals differently");
    return "identical actions and signals";
  });

  run_check(report, "corrupt and truncated files are rejected, agent unchanged", [&]() -> std::string {
    agent->save(file);
    std::string bytes = read_file(file);
    const std::filesystem::path bad = scratch_dir / "bad.sgym";
    std::string corrupt = bytes;
    corrupt[corrupt.size() / 2] ^= 0x5A;
    const std::string truncated = bytes.substr(0, bytes.size() / 2);
    for (const auto& [what, content] : {std::pair{"corrupt", corrupt}, std::pair{"truncated", truncated}}) {
      write_file_atomic(bad, content);
      auto victim = make_agent(seed + 2000);
      victim->load(file);
      try {
        victim->load(bad);
        return fail(std::string(what) + " file was accepted");
      } catch (const FileFormatError&) {
      }
      // unchanged: it behaves exactly like a clean load of the good file
      auto reference = make_agent(seed + 3000);
      reference->load(file);
      auto e1 = make_env();
      auto e2 = make_env();
      if (episode(*victim, *e1, seed + 5) != episode(*reference, *e2, seed + 5))
        return fail("a failed load of a " + std::string(what) + " file changed the agent");
    }
    std::filesystem::remove(bad);
    return "both rejected";
  });
  std::filesystem::remove(file);
  return report;
}

std::string shortcut_stem(const std::string& env_id) {
  const std::string name = env_id.substr(0, env_id.rfind("-v"));
  std::string stem;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    // a capital starts a word after a small letter, or ends an acronym before one ("BCINeuro")
    const bool starts = std::isupper(c) && i > 0 &&
                        (std::islower(static_cast<unsigned char>(name[i - 1])) ||
                         (i + 1 < name.size() && std::islower(static_cast<unsigned char>(name[i + 1])) &&
                          std::isupper(static_cast<unsigned char>(name[i - 1]))));
    if (starts && stem.back() != '-') stem += '-';
    stem += static_cast<char>(std::tolower(c));
  }
  return stem;
}

double SubjectScore::accuracy() const {
  const long long judged = correct + wrong;
  return judged == 0 ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(correct) / judged;
}

double SubjectScore::completed() const {
  const long long n = trials();
  return n == 0 ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(n - aborted - timeout) / n;
}

SubjectScore score_subject(const AgentEntry& agent_entry, const EnvEntry& env_entry, const KeyValues& options,
                           int min_judged, std::uint64_t env_seed, bool hash_trajectory) {
  auto env = make_env(env_entry, options);
  auto agent = make_agent(agent_entry, env->observation_space(), env->action_space(), {}, 1, {env->spec().dt_ms});
  agent->set_training(false);
  SubjectScore s{agent_entry.id};
  auto count = [&s](std::string_view outcome) {
    if (outcome == "correct") ++s.correct;
    else if (outcome == "wrong") ++s.wrong;
    else if (outcome == "aborted") ++s.aborted;
    else if (outcome == "timeout") ++s.timeout;
    else ++s.other;
  };
  std::vector<float> obs;
  bool first = true;
  std::uint64_t h = 0xcbf29ce484222325ULL;
  while (s.correct + s.wrong < min_judged && s.trials() < 2LL * min_judged) {
    ResetResult r0 = first ? env->reset(env_seed) : env->reset();
    first = false;
    if (hash_trajectory) h = hash_reset(r0, h);
    obs.assign(r0.obs.begin(), r0.obs.end());
    agent->begin_episode();
    for (;;) {
      const auto [a, r] = interact(*env, *agent, obs);
      if (hash_trajectory) h = hash_step(r, h);
      const std::string_view outcome = r.info.string_or_empty(info_keys::kTrialOutcome);
      if (!outcome.empty()) count(outcome);
      else if (r.truncated) count("timeout");  // cut by the time limit inside a trial
      if (r.terminated || r.truncated) break;
    }
    agent->end_episode();
  }
  if (hash_trajectory) s.trajectory_hash = h;
  return s;
}

std::vector<BatteryScores> score_battery(const EnvEntry& env, const std::vector<AgentEntry>& agents, int min_judged) {
  if (!env.chance)
    throw std::invalid_argument(env.id + " declares no chance level: it is not a choice task and has no shortcut battery");
  const std::string stem = shortcut_stem(env.id);
  const std::string prefix = stem + "-shortcut-";
  std::vector<BatteryScores> out;
  std::vector<KeyValues> sets = env.battery_options;
  if (sets.empty()) sets.push_back({});
  for (const KeyValues& options : sets) {
    BatteryScores b{env.id, options, env.chance(options), std::nullopt, {}};
    for (const AgentEntry& a : agents) {
      if (a.id == stem + "-oracle") b.oracle = score_subject(a, env, options, min_judged);
      else if (a.id.rfind(prefix, 0) == 0) b.shortcuts.push_back(score_subject(a, env, options, min_judged));
    }
    out.push_back(std::move(b));
  }
  return out;
}

namespace {
std::string percent(double x) {
  std::ostringstream ss;
  ss.setf(std::ios::fixed);
  ss.precision(1);
  ss << 100.0 * x << " %";
  return ss.str();
}

std::string describe_options(const KeyValues& kv) {
  std::string s;
  for (const auto& [k, v] : kv) s += (s.empty() ? "" : " ") + k + "=" + v;
  return s.empty() ? "defaults" : s;
}

std::string describe_score(const SubjectScore& s) {
  return percent(s.accuracy()) + " correct over " + std::to_string(s.correct + s.wrong) + " judged trials, " +
         percent(s.completed()) + " of " + std::to_string(s.trials()) + " trials completed";
}
}  // namespace

CheckReport check_battery(const std::vector<BatteryScores>& scores) {
  CheckReport report;
  for (const BatteryScores& b : scores) {
    const std::string where = b.env_id + " (" + describe_options(b.options) + ")";
    run_check(report, where + ": has shortcut subjects", [&]() -> std::string {
      if (b.shortcuts.empty())
        return fail("a choice task needs at least one registered shortcut subject '" + shortcut_stem(b.env_id) +
                    "-shortcut-<name>' (see docs/science.md)");
      return std::to_string(b.shortcuts.size()) + " shortcut subjects, chance " + percent(b.chance);
    });
    for (const SubjectScore& s : b.shortcuts)
      run_check(report, where + ": shortcut " + s.agent_id + " at chance", [&]() -> std::string {
        const std::string d = describe_score(s) + "; chance " + percent(b.chance);
        if (!(s.completed() >= kMinCompleted))
          return fail(d + ": a shortcut subject must complete >= " + percent(kMinCompleted) + " of its trials");
        if (s.correct + s.wrong < kBatteryTrials) return fail(d + ": fewer than " + std::to_string(kBatteryTrials) + " judged trials");
        if (!(s.accuracy() <= b.chance + kShortcutMargin))
          return fail(d + ": above chance + " + percent(kShortcutMargin) + ", the task leaks");
        return d;
      });
    run_check(report, where + ": oracle solves the task", [&]() -> std::string {
      if (!b.oracle) return fail("no oracle '" + shortcut_stem(b.env_id) + "-oracle' is registered");
      const std::string d = b.oracle->agent_id + ": " + describe_score(*b.oracle);
      if (!(b.oracle->completed() >= kMinCompleted)) return fail(d + ": completes too few trials");
      if (!(b.oracle->accuracy() >= kOracleMinAccuracy)) return fail(d + ": below " + percent(kOracleMinAccuracy));
      return d;
    });
  }
  return report;
}

}  // namespace sgym
