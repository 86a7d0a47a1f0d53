// bg-cerebellum-walker on BipedalWalker: learning curves, the final policy's evaluation and the
// ablations (benchmarks/results/bg-cerebellum-walker.md; the agent: docs/agents/bg-cerebellum-walker.md).
//
// For every observation delay D (steps), condition and walker i (seed s_i = mix_seed(seed, i)): the
// agent is built with seed s_i; `train` training episodes, the first from env.reset(seed=s_i) and the
// later ones continuing the env's random stream (a new terrain and initial push every episode); then
// `eval` evaluation episodes with training off (no exploration, no learning, forward model frozen) on a
// second env whose first reset is seeded with mix_seed(s_i, 1), so no evaluation terrain is a
// training terrain. Walker i sees the same terrains in every condition and delay.
// Conditions: initial (the full agent untrained, on the same evaluation terrains), full (defaults),
// no-cerebellum (cerebellum=false), no-cpg (cpg=false), correct-role (cerebellum_role=correct) and
// contacts (estimate_contacts=true); the last two only with D > 0, where they differ from full.
// With D > 0 both envs are wrapped in ObservationDelay(D) (core wrappers.hpp): the agent sees each
// observation D steps late (reward and info on time) and is told so (feedback_delay_ms = D x dt).
//
//   sgym experiment bg-cerebellum-walker [--quick] [--jobs N] [--seed S] [--out DIR]
//        [--set n_seeds=10 --set train_episodes=300 --set eval_episodes=100 --set delays_steps=0
//         --set conditions="initial full no-cerebellum no-cpg" --set env=BipedalWalker-v3 --set agent_options=...]
// Writes train.csv and eval.csv (delay,condition,walker,seed,episode,return,length,hull_x,end) and
// summary.md; `sgym plot DIR` draws the learning curves (one figure per delay).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "experiment.hpp"
#include "sgym/agents.hpp"
#include "sgym/bipedal_walker.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"
#include "sgym/interact.hpp"
#include "sgym/rng.hpp"
#include "sgym/wrappers.hpp"

namespace {

namespace ex = sgym::experiment;
using ex::say;

constexpr int kBlock = 20;  // learning-curve bin, episodes

// the learning-curve bin of a run with `train` training episodes (shorter runs: one bin)
int bin_size(int train) { return std::max(1, std::min(kBlock, train)); }

struct Condition {
  std::string name;
  sgym::KeyValues options;  // agent options on top of agent_options
  bool delayed_only;        // run only with D > 0 (identical to full without a delay)
  std::string label;        // table and figure label
};

const std::vector<Condition>& known_conditions() {
  static const std::vector<Condition> c = {
      {"initial", {}, false, "initial policy (full, untrained)"},
      {"full", {}, false, "full (CPG + BG + cerebellum)"},
      {"no-cerebellum", {{"cerebellum", "false"}}, false, "no cerebellum"},
      {"no-cpg", {{"cpg", "false"}}, false, "no CPG (reactive linear policy)"},
      {"correct-role", {{"cerebellum_role", "correct"}}, true, "cerebellum corrects (cerebellum_role=correct)"},
      {"contacts", {{"estimate_contacts", "true"}}, true, "estimate with contacts (estimate_contacts=true)"},
  };
  return c;
}

struct Params {
  int walkers = 10, train = 300, eval = 100;
  std::string delays = "0", conditions = "initial full no-cerebellum no-cpg", env = "BipedalWalker-v3", agent_options;
};

const sgym::OptionSet<Params>& params() {
  static const sgym::OptionSet<Params> set = [] {
    sgym::OptionSet<Params> o("experiment bg-cerebellum-walker");
    o.add("n_seeds", &Params::walkers, "", "walkers (agents) per condition and delay; walker i uses seed mix_seed(seed, i) everywhere", 1, 100000)
        .deprecated_alias("walkers")
        .add("train_episodes", &Params::train, "episodes", "training episodes per walker (learning and exploration on)", 0, 10000000)
        .deprecated_alias("train")
        .add("eval_episodes", &Params::eval, "episodes", "evaluation episodes per walker, training off, on terrains never trained on", 1, 10000000)
        .deprecated_alias("eval")
        .add_text("delays_steps", &Params::delays, "steps", "integers separated by spaces",
                  "observation delays D: both envs wrapped in ObservationDelay(D) and the agent told feedback_delay_ms = D x dt; 0 = the bare env")
        .deprecated_alias("delays")
        .add_text("conditions", &Params::conditions, "", "names separated by spaces",
                  "initial, full, no-cerebellum, no-cpg, correct-role, contacts (the last two run only with a delay > 0)")
        .add_text("env", &Params::env, "", "env id", "BipedalWalker-v3 or BipedalWalkerHardcore-v3")
        .add_text("agent_options", &Params::agent_options, "", "key=value ...", "bg-cerebellum-walker options for every condition");
    return o;
  }();
  return set;
}

std::vector<int> delay_list(const std::string& text) {
  std::vector<int> out;
  std::istringstream in(text);
  for (std::string d; in >> d;) {
    std::size_t used = 0;
    long v = -1;
    try {
      v = std::stol(d, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != d.size() || v < 0 || v > 1000)
      throw sgym::UsageError("experiment bg-cerebellum-walker: delays_steps: \"" + d + "\" is not an integer in [0, 1000] (steps)");
    if (std::find(out.begin(), out.end(), static_cast<int>(v)) != out.end())
      throw sgym::UsageError("experiment bg-cerebellum-walker: delays_steps: " + d + " is given twice");
    out.push_back(static_cast<int>(v));
  }
  if (out.empty()) throw sgym::UsageError("experiment bg-cerebellum-walker: delays_steps is empty; give e.g. \"0\" or \"0 2 4\"");
  return out;
}

std::vector<const Condition*> condition_list(const std::string& text) {
  std::vector<const Condition*> out;
  std::istringstream in(text);
  for (std::string name; in >> name;) {
    const Condition* found = nullptr;
    std::string names;
    for (const Condition& c : known_conditions()) {
      if (c.name == name) found = &c;
      names += (names.empty() ? "" : ", ") + c.name;
    }
    if (found == nullptr)
      throw sgym::UsageError("experiment bg-cerebellum-walker: conditions: unknown \"" + name + "\"; choose from " + names);
    if (std::find(out.begin(), out.end(), found) != out.end())
      throw sgym::UsageError("experiment bg-cerebellum-walker: conditions: " + name + " is given twice");
    out.push_back(found);
  }
  if (out.empty()) throw sgym::UsageError("experiment bg-cerebellum-walker: conditions is empty");
  return out;
}

struct Episode {
  double ret = 0.0;
  long long length = 0;
  double hull_x = 0.0;
  sgym::WalkerEnd end = sgym::WalkerEnd::running;  // the env's account of how it ended
};

struct Run {
  std::vector<Episode> train, eval;
};

std::string delay_ms(int d, double dt_ms);

Episode play(sgym::Env& env, sgym::Agent& agent, std::optional<std::uint64_t> seed, std::vector<float>& obs) {
  Episode e;
  sgym::EpisodeHooks hooks;
  hooks.on_step = [&](const sgym::EpisodeStep& st) {
    if (st.result.terminated || st.result.truncated) {
      e.hull_x = st.result.info.get_double("hull_x");
      e.end = sgym::walker_end(st.result);
    }
    return true;
  };
  const sgym::EpisodeEnd end = sgym::play_episode(env, agent, seed, obs, hooks);
  e.ret = end.episode_return;
  e.length = end.steps;
  return e;
}

// one walker in one condition at one delay
Run run_walker(const std::string& env_id, int delay, const sgym::KeyValues& agent_options, bool train_it, int train, int eval,
               std::uint64_t seed) {
  const auto make = [&]() -> std::unique_ptr<sgym::Env> {
    auto env = sgym::make_env(env_id);
    if (delay == 0) return env;
    return std::make_unique<sgym::ObservationDelay>(std::move(env), delay);
  };
  auto env = make();
  sgym::KeyValues opts = agent_options;
  if (delay > 0) opts.emplace_back("feedback_delay_ms", delay_ms(delay, env->spec().dt_ms));
  auto agent = sgym::make_agent("bg-cerebellum-walker", env->observation_space(), env->action_space(), opts, seed,
                                sgym::AgentContext{env->spec().dt_ms});
  Run r;
  std::vector<float> obs;
  agent->set_training(true);
  for (int e = 0; train_it && e < train; ++e)
    r.train.push_back(play(*env, *agent, e == 0 ? std::optional<std::uint64_t>(seed) : std::nullopt, obs));
  agent->set_training(false);
  auto eval_env = make();
  for (int e = 0; e < eval; ++e)
    r.eval.push_back(play(*eval_env, *agent, e == 0 ? std::optional<std::uint64_t>(sgym::mix_seed(seed, 1)) : std::nullopt, obs));
  return r;
}

// the feedback_delay_ms option of a delay of d steps (text as a number prints: 40, not 40.000000)
std::string delay_ms(int d, double dt_ms) {
  std::ostringstream o;
  o << d * dt_ms;
  return o.str();
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (const double x : v) s += x;
  return v.empty() ? std::nan("") : s / static_cast<double>(v.size());
}

// sample standard deviation (n - 1); 0 for one value
double sd(const std::vector<double>& v) {
  if (v.size() < 2) return 0.0;
  const double m = mean(v);
  double ss = 0;
  for (const double x : v) ss += (x - m) * (x - m);
  return std::sqrt(ss / static_cast<double>(v.size() - 1));
}

constexpr const char* kColumns = "delay,condition,walker,seed,episode,return,length,hull_x,end";

void run(const ex::Context& ctx) {
  const Params prm = params().parse(ctx.params);
  const std::vector<int> delays = delay_list(prm.delays);
  const std::vector<const Condition*> conds = condition_list(prm.conditions);
  const sgym::KeyValues extra = ex::key_values(prm.agent_options, "agent_options");
  ex::require_agent_on("bg-cerebellum-walker", prm.env, "bg-cerebellum-walker", "env");
  ex::refuse_keys(extra, {"feedback_delay_ms", "cerebellum", "cpg", "cerebellum_role", "estimate_contacts"}, "bg-cerebellum-walker",
                  "agent_options", "delays, conditions");

  // the (delay, condition) arms, in report order; options validated once before the threads start
  struct Arm {
    int delay;
    const Condition* cond;
    sgym::KeyValues options;
  };
  std::vector<Arm> arms;
  for (const int d : delays)
    for (const Condition* c : conds) {
      if (c->delayed_only && d == 0) continue;
      sgym::KeyValues o = extra;
      o.insert(o.end(), c->options.begin(), c->options.end());
      arms.push_back({d, c, std::move(o)});
    }
  {
    auto probe = sgym::make_env(prm.env);
    for (const Arm& a : arms) {
      sgym::KeyValues o = a.options;
      if (a.delay > 0) o.emplace_back("feedback_delay_ms", delay_ms(a.delay, probe->spec().dt_ms));
      sgym::make_agent("bg-cerebellum-walker", probe->observation_space(), probe->action_space(), o, 1,
                       sgym::AgentContext{probe->spec().dt_ms});
    }
  }
  const int n = prm.walkers;
  auto walker_seed = [&](int i) { return sgym::mix_seed(ctx.seed, static_cast<std::uint64_t>(i)); };
  std::vector<Run> runs(arms.size() * static_cast<std::size_t>(n));
  ex::parallel_for(static_cast<int>(runs.size()), ctx.jobs, [&](int k) {
    const Arm& a = arms[static_cast<std::size_t>(k / n)];
    runs[static_cast<std::size_t>(k)] =
        run_walker(prm.env, a.delay, a.options, a.cond->name != "initial", prm.train, prm.eval, walker_seed(k % n));
  });

  std::ostringstream train_csv, eval_csv;
  train_csv << kColumns << '\n';
  eval_csv << kColumns << '\n';
  long long steps = 0;
  for (std::size_t k = 0; k < runs.size(); ++k) {
    const Arm& a = arms[k / static_cast<std::size_t>(n)];
    const int i = static_cast<int>(k % static_cast<std::size_t>(n));
    for (const auto& [csv, eps] : {std::pair{&train_csv, &runs[k].train}, std::pair{&eval_csv, &runs[k].eval}})
      for (std::size_t e = 0; e < eps->size(); ++e) {
        const Episode& ep = (*eps)[e];
        steps += ep.length;
        *csv << a.delay << ',' << a.cond->name << ',' << i << ',' << walker_seed(i) << ',' << e + 1 << ','
             << ep.ret << ',' << ep.length << ',' << ep.hull_x << ',' << sgym::walker_end_name(ep.end) << '\n';
      }
  }
  ctx.write("train.csv", train_csv.str());
  ctx.write("eval.csv", eval_csv.str());

  std::ostream& md = ctx.md();
  const int limit = sgym::make_env(prm.env)->spec().max_episode_steps;
  const int block = bin_size(prm.train);
  for (const int d : delays) {
    say(md, "\n### %s, observation delay %d steps\n\n", prm.env.c_str(), d);
    say(md, "Final-policy return (%d evaluation episodes per walker, %d walkers):\n\n", prm.eval, n);
    say(md, "| condition | mean ± sd of the per-walker means | median [IQR] of the per-walker means | best walker | return > 0 | reached the finish | fell |\n");
    say(md, "|---|---|---|---|---|---|---|\n");
    for (std::size_t a = 0; a < arms.size(); ++a) {
      if (arms[a].delay != d) continue;
      std::vector<double> per_walker;
      long long episodes = 0, positive = 0, finished = 0, fell = 0;
      for (int i = 0; i < n; ++i) {
        std::vector<double> rets;
        for (const Episode& ep : runs[a * static_cast<std::size_t>(n) + static_cast<std::size_t>(i)].eval) {
          rets.push_back(ep.ret);
          ++episodes;
          positive += ep.ret > 0;
          finished += ep.end == sgym::WalkerEnd::finished;
          fell += ep.end == sgym::WalkerEnd::fell;
        }
        per_walker.push_back(mean(rets));
      }
      say(md, "| %s | %.1f ± %.1f | %.1f [%.1f, %.1f] | %.1f | %.0f %% | %.0f %% | %.0f %% |\n", arms[a].cond->label.c_str(), mean(per_walker),
          sd(per_walker), sgym::quantile(per_walker, 0.5), sgym::quantile(per_walker, 0.25), sgym::quantile(per_walker, 0.75),
          *std::max_element(per_walker.begin(), per_walker.end()), 100.0 * positive / episodes, 100.0 * finished / episodes,
          100.0 * fell / episodes);
    }
    if (prm.train > 0) {
      say(md, "\nTraining return (with exploration) per %d-episode bin: per walker the bin's mean, then median [IQR] over walkers.\n\n", block);
      std::string head = "| episodes", rule = "|---";
      for (const Arm& a : arms)
        if (a.delay == d && a.cond->name != "initial") head += " | " + a.cond->name, rule += "|---";
      say(md, "%s |\n%s|\n", head.c_str(), rule.c_str());
      for (int b = 0; b + block <= prm.train; b += block) {
        say(md, "| %d-%d", b + 1, b + block);
        for (std::size_t a = 0; a < arms.size(); ++a) {
          if (arms[a].delay != d || arms[a].cond->name == "initial") continue;
          std::vector<double> bins;
          for (int i = 0; i < n; ++i) {
            const auto& tr = runs[a * static_cast<std::size_t>(n) + static_cast<std::size_t>(i)].train;
            double s = 0;
            for (int e = b; e < b + block; ++e) s += tr[static_cast<std::size_t>(e)].ret;
            bins.push_back(s / block);
          }
          say(md, " | %.1f [%.1f, %.1f]", sgym::quantile(bins, 0.5), sgym::quantile(bins, 0.25), sgym::quantile(bins, 0.75));
        }
        say(md, " |\n");
      }
    }
    say(md, "\nPer-walker evaluation means:\n\n| walker | seed");
    for (const Arm& a : arms)
      if (a.delay == d) say(md, " | %s", a.cond->name.c_str());
    say(md, " |\n|---|---");
    for (const Arm& a : arms)
      if (a.delay == d) say(md, "|---");
    say(md, "|\n");
    for (int i = 0; i < n; ++i) {
      say(md, "| %d | %llu", i, static_cast<unsigned long long>(walker_seed(i)));
      for (std::size_t a = 0; a < arms.size(); ++a) {
        if (arms[a].delay != d) continue;
        std::vector<double> rets;
        for (const Episode& ep : runs[a * static_cast<std::size_t>(n) + static_cast<std::size_t>(i)].eval) rets.push_back(ep.ret);
        say(md, " | %.1f", mean(rets));
      }
      say(md, " |\n");
    }
  }
  say(md, "\n%d walkers (walker i: seed mix_seed(%llu, i); evaluation env first reset with mix_seed(seed_i, 1)); %d training and %d evaluation "
          "episodes per walker; %s (time limit %d steps); \"reached the finish\": the hull passed the end of the course, "
          "\"fell\": the hull touched the ground or left the world on the left (the env's account, sgym::walker_end); %lld env steps in all",
      n, static_cast<unsigned long long>(ctx.seed), prm.train, prm.eval, prm.env.c_str(), limit, steps);
  for (const auto& [k, v] : extra) say(md, "; agent option %s=%s", k.c_str(), v.c_str());
  say(md, "\n");
}

/// One figure per delay: training return per 20-episode bin of every condition, median and IQR
/// over walkers.
std::vector<ex::Figure> figures(const std::filesystem::path& dir) {
  const auto rows = ex::read_csv(dir / "train.csv");
  int train = kBlock;
  for (const auto& [k, v] : ex::params_of(dir))
    if (k == "train_episodes" || k == "train") train = std::stoi(v);  // (the former name in older directories)
  const int block = bin_size(train);
  // delay -> walker -> condition -> bin -> (sum, count)
  std::map<int, std::map<int, std::map<std::string, std::map<int, std::pair<double, int>>>>> acc;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    if (rows[r].size() < 8) continue;
    const int bin = (std::stoi(rows[r][4]) - 1) / block;
    auto& cell = acc[std::stoi(rows[r][0])][std::stoi(rows[r][2])][rows[r][1]][bin];
    cell.first += std::stod(rows[r][5]);
    ++cell.second;
  }
  static const std::vector<std::string> colours = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#d62728"};
  std::vector<ex::Figure> out;
  for (const auto& [delay, walkers] : acc) {
    std::vector<std::string> columns;
    for (const Condition& c : known_conditions())
      for (const auto& [w, conds] : walkers)
        if (conds.count(c.name) && std::find(columns.begin(), columns.end(), c.name) == columns.end()) columns.push_back(c.name);
    ex::Figure f{"learning-curve-d" + std::to_string(delay), {}, {}};
    for (const auto& [w, conds] : walkers) {
      sgym::TrialTable t;
      t.columns = columns;
      for (std::size_t c = 0; c < columns.size(); ++c) {
        const auto it = conds.find(columns[c]);
        if (it == conds.end()) continue;
        for (const auto& [bin, sc] : it->second) {
          if (sc.second < block) continue;  // a partial last bin
          auto& row = t.rows[bin * block + (block + 1) / 2.0];
          row.resize(columns.size(), std::nan(""));
          row[c] = sc.first / sc.second;
        }
      }
      f.seeds.push_back(std::move(t));
    }
    f.spec.title = "bg-cerebellum-walker: training return, observation delay " + std::to_string(delay) + " steps";
    f.spec.xlabel = "training episode";
    f.spec.ylabel = "return per episode (mean over " + std::to_string(block) + "-episode bins)";
    f.spec.legend = "bottom right";
    for (std::size_t c = 0; c < columns.size(); ++c)
      for (const Condition& k : known_conditions())
        if (k.name == columns[c]) f.spec.series.push_back({c, k.label, colours[c % colours.size()]});
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace

sgym::experiment::Entry bg_cerebellum_walker_experiment() {
  ex::Entry e;
  e.name = "bg-cerebellum-walker";
  e.reproduces = "a CPG + basal-ganglia actor-critic + cerebellar forward model learning to walk (BipedalWalker-v3), with ablations and delayed feedback";
  e.results = "benchmarks/results/bg-cerebellum-walker.md";
  e.description = "bg-cerebellum-walker on BipedalWalker: learning curves, final-policy evaluation on unseen terrains, ablations, observation delays";
  e.params = params().docs();
  e.quick = {{"n_seeds", "2"}, {"train_episodes", "2"}, {"eval_episodes", "1"}, {"delays_steps", "0 2"}, {"conditions", "initial full correct-role"}};
  e.run = run;
  e.figures = figures;
  return e;
}
