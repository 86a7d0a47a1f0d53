// The biped-heuristic gait controller (agents/biped_heuristic.cpp, the reference's scripted gait) on
// BipedalWalker-v3 and BipedalWalkerHardcore-v3 (benchmarks/results/biped-heuristic.md).
//
// Episode i of env E is one fresh env and agent: env.reset(seed = mix_seed(seed, i)), played to its
// end (TimeLimit 1600 / 2000 steps). The walker's reset(seed=S) draws Gymnasium's terrain and push
// (docs/envs/BipedalWalker-v3.md, "Seeding"), so benchmarks/biped_heuristic_gymnasium.py can replay
// the very same episodes on Gymnasium from this experiment's episodes.csv.
//
//   sgym experiment biped-heuristic [--quick] [--jobs N] [--seed S] [--out DIR]
//        [--set n_seeds=100 --set envs="BipedalWalker-v3 BipedalWalkerHardcore-v3"]
// Writes episodes.csv (env,episode,seed,return,length,end) and summary.md; `sgym plot DIR` draws each
// env's returns sorted, with Gymnasium's beside them once the script has written gymnasium.csv.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "experiment.hpp"
#include "sgym/agents.hpp"
#include "sgym/analysis.hpp"
#include "sgym/bipedal_walker.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"
#include "sgym/interact.hpp"
#include "sgym/rng.hpp"

namespace {

namespace ex = sgym::experiment;
using ex::say;

struct Params {
  int episodes = 100;
  std::string envs = "BipedalWalker-v3 BipedalWalkerHardcore-v3";
};

const sgym::OptionSet<Params>& params() {
  static const sgym::OptionSet<Params> set = [] {
    sgym::OptionSet<Params> o("experiment biped-heuristic");
    o.add("n_seeds", &Params::episodes, "episodes", "episodes per env; episode i resets with seed mix_seed(seed, i)", 1, 1000000)
        .add_text("envs", &Params::envs, "", "env ids separated by spaces",
                  "the walkers to play: BipedalWalker-v3 and/or BipedalWalkerHardcore-v3");
    return o;
  }();
  return set;
}

// The env ids asked for, each a walker the agent can drive (its compatibility check names the problem).
std::vector<std::string> env_list(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string id; in >> id;) {
    if (std::find(out.begin(), out.end(), id) != out.end())
      throw sgym::UsageError("experiment biped-heuristic: envs: " + id + " is given twice");
    ex::require_agent_on("biped-heuristic", id, "biped-heuristic", "envs");
    out.push_back(id);
  }
  if (out.empty()) throw sgym::UsageError("experiment biped-heuristic: envs is empty; give e.g. \"BipedalWalker-v3\"");
  return out;
}

struct Episode {
  double ret = 0.0;
  long long length = 0;
  sgym::WalkerEnd end = sgym::WalkerEnd::running;
};

Episode play(const std::string& env_id, std::uint64_t seed) {
  auto env = sgym::make_env(env_id);
  auto agent = sgym::make_agent("biped-heuristic", env->observation_space(), env->action_space(), {}, seed);
  std::vector<float> obs;
  Episode e;
  sgym::EpisodeHooks hooks;
  hooks.on_end = [&](const sgym::EpisodeStep& st) { e.end = sgym::walker_end(st.result); };  // the env's account
  const sgym::EpisodeEnd end = sgym::play_episode(*env, *agent, seed, obs, hooks);
  e.ret = end.episode_return;
  e.length = end.steps;
  return e;
}

// population standard deviation (as NumPy's np.std, which the page's earlier tables used)
double pop_sd(const std::vector<double>& v, double m) {
  double ss = 0;
  for (const double x : v) ss += (x - m) * (x - m);
  return std::sqrt(ss / static_cast<double>(v.size()));
}

void run(const ex::Context& ctx) {
  const Params prm = params().parse(ctx.params);
  const std::vector<std::string> envs = env_list(prm.envs);
  const int n = prm.episodes;
  auto episode_seed = [&](int i) { return sgym::mix_seed(ctx.seed, static_cast<std::uint64_t>(i)); };
  std::vector<Episode> eps(envs.size() * static_cast<std::size_t>(n));
  ex::parallel_for(static_cast<int>(eps.size()), ctx.jobs, [&](int k) {
    eps[static_cast<std::size_t>(k)] = play(envs[static_cast<std::size_t>(k / n)], episode_seed(k % n));
  });

  std::ostringstream csv;
  csv << "env,episode,seed,return,length,end\n";
  for (std::size_t k = 0; k < eps.size(); ++k) {
    const int i = static_cast<int>(k % static_cast<std::size_t>(n));
    csv << envs[k / static_cast<std::size_t>(n)] << ',' << i << ',' << episode_seed(i) << ',' << eps[k].ret << ','
        << eps[k].length << ',' << sgym::walker_end_name(eps[k].end) << '\n';
  }
  ctx.write("episodes.csv", csv.str());

  std::ostream& md = ctx.md();
  say(md, "| env | episodes | mean ± sd | median | IQR | min | max | return > 0 | reached the finish | fell | time limit |\n");
  say(md, "|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (std::size_t e = 0; e < envs.size(); ++e) {
    std::vector<double> rets;
    int positive = 0, finished = 0, fell = 0, cut = 0;
    for (int i = 0; i < n; ++i) {
      const Episode& ep = eps[e * static_cast<std::size_t>(n) + static_cast<std::size_t>(i)];
      rets.push_back(ep.ret);
      positive += ep.ret > 0;
      finished += ep.end == sgym::WalkerEnd::finished;
      fell += ep.end == sgym::WalkerEnd::fell;
      cut += ep.end == sgym::WalkerEnd::time_limit;
    }
    double m = 0;
    for (const double r : rets) m += r;
    m /= n;
    const auto pct = [&](int c) { return 100.0 * c / n; };
    say(md, "| %s | %d | %.1f ± %.1f | %.1f | %.1f – %.1f | %.1f | %.1f | %.0f %% | %.0f %% | %.0f %% | %.0f %% |\n", envs[e].c_str(), n, m,
        pop_sd(rets, m), sgym::quantile(rets, 0.5), sgym::quantile(rets, 0.25), sgym::quantile(rets, 0.75),
        *std::min_element(rets.begin(), rets.end()), *std::max_element(rets.begin(), rets.end()), pct(positive), pct(finished), pct(fell),
        pct(cut));
  }
  say(md, "\nEpisode i: a fresh env and agent, env.reset(seed = mix_seed(%llu, i)); sd over episodes as NumPy's np.std; "
          "\"reached the finish\": the hull passed the end of the course, \"fell\": the hull touched the ground or left the world "
          "on the left (the env's info game_over, hull_x < 0; reward -100), \"time limit\": truncated.\n",
      static_cast<unsigned long long>(ctx.seed));
}

// The sorted returns of one CSV (env,episode,seed,return,...) per env, in first-seen env order.
std::vector<std::pair<std::string, std::vector<double>>> returns_by_env(const std::filesystem::path& csv) {
  std::vector<std::pair<std::string, std::vector<double>>> out;
  const auto rows = ex::read_csv(csv);
  for (std::size_t r = 1; r < rows.size(); ++r) {
    if (rows[r].size() < 4) continue;
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& p) { return p.first == rows[r][0]; });
    if (it == out.end()) it = out.insert(out.end(), {rows[r][0], {}});
    it->second.push_back(std::stod(rows[r][3]));
  }
  for (auto& [id, v] : out) std::sort(v.begin(), v.end());
  return out;
}

/// One figure: each env's returns sorted (the empirical quantile function), and beside them the same
/// seeds on Gymnasium when benchmarks/biped_heuristic_gymnasium.py has added gymnasium.csv to the
/// directory.
std::vector<ex::Figure> figures(const std::filesystem::path& dir) {
  auto sets = returns_by_env(dir / "episodes.csv");
  const std::size_t ours = sets.size();
  if (std::filesystem::exists(dir / "gymnasium.csv"))
    for (auto& [id, v] : returns_by_env(dir / "gymnasium.csv")) sets.emplace_back(id + " (Gymnasium)", std::move(v));
  ex::Figure f{"return-quantiles", {}, {sgym::TrialTable{}}};
  sgym::TrialTable& t = f.seeds[0];
  static const std::vector<std::string> colours = {"#1f77b4", "#d62728"};
  for (std::size_t c = 0; c < sets.size(); ++c) {
    const auto& [id, v] = sets[c];
    t.columns.push_back(id);
    for (std::size_t k = 0; k < v.size(); ++k) {
      auto& row = t.rows[100.0 * (static_cast<double>(k) + 0.5) / static_cast<double>(v.size())];
      row.resize(sets.size(), std::nan(""));
      row[c] = v[k];
    }
    f.spec.series.push_back({c, id, colours[(ours > 0 ? c % ours : c) % colours.size()],
                             c < ours ? sgym::FigureSeries::Style::kSmallPoints : sgym::FigureSeries::Style::kDashed, false});
  }
  f.spec.title = "scripted gait: the return of each episode, sorted";
  f.spec.xlabel = "percentile of episodes";
  f.spec.ylabel = "episode return";
  f.spec.legend = "top left";
  return {f};
}

}  // namespace

sgym::experiment::Entry biped_heuristic_experiment() {
  ex::Entry e;
  e.name = "biped-heuristic";
  e.reproduces = "the reference's scripted gait on BipedalWalker (Klimov, OpenAI Gym 2016): return over 100 seeded episodes, "
                 "against Gymnasium on the same seeds (benchmarks/biped_heuristic_gymnasium.py) and EnvPool's recorded figures";
  e.results = "benchmarks/results/biped-heuristic.md";
  e.description = "biped-heuristic on BipedalWalker-v3 and BipedalWalkerHardcore-v3: return, finish and fall rates over seeded episodes";
  e.params = params().docs();
  e.quick = {{"n_seeds", "2"}};
  e.run = run;
  e.figures = figures;
  return e;
}
