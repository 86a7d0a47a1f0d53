// AuGMEnT on RedundantRelevantCue-v0: what is learned about the attended and the unattended cue
// with and without the attention gate on plasticity (docs/science.md; Roelfsema & Holtmaat 2018:
// subjects "learn only about the attended stimuli"). The gated learner and its un-gated control
// differ only in that gate (option attention_gate): both select attention actions with the same
// rule and keep AuGMEnT's association-level gate; by default both start with the location units'
// synapses silent (silent_location_synapses). Each network is trained on redundant trials, then
// tested with learning off on forced-choice single-cue and conflict probes. Per network the attended
// cue is the location it attended most over the last 10 % of training. Reports markdown tables of the
// median [interquartile range] over networks and the full distribution (min, quartiles, max) of the
// unattended-cue and training accuracy.
//
//   sgym experiment augment-rrc [--quick] [--jobs 2] [--seed 1001] [--out DIR] [--set n_seeds=50
//        --set train_trials=10000 --set test_trials=600 --set gains="1.0 0.8 0.5"
//        --set env_options="fixation_reward=0.2 abort_reward=-0.2"]
// Network i uses mix_seed(seed, i) (the same network seed in every arm and gain). Writes networks.csv
// (one row per gain x learner x network, every measure; benchmarks/plot_rrc_attention.gp draws the
// strip plot of the results page from it) and summary.md; sgym plot draws the single-cue accuracies
// against the unattended gain.
#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "experiment.hpp"
#include "redundant_relevant_cue_layout.hpp"
#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"
#include "sgym/interact.hpp"
#include "sgym/rng.hpp"

namespace {

// median and quartiles (linear interpolation, as numpy's default)
struct Quartiles {
  double q1, median, q3;
};

Quartiles quartiles(const std::vector<double>& v) {
  return {sgym::quantile(v, 0.25), sgym::quantile(v, 0.5), sgym::quantile(v, 0.75)};
}

struct Arm {
  std::string name;
  sgym::KeyValues options;
};

// per-network results, in table order
enum Measure : std::size_t {
  kTrainAcc,        // correct / trials over the last 10 % of training (exploring)
  kAttendShare,     // fraction of those trials that attended the dominant location
  kAccAttended,     // forced choice correct, single-cue probes of the attended cue
  kAccUnattended,   // forced choice correct, single-cue probes of the unattended cue
  kFollowAttended,  // conflict probes: forced choice = the attended cue's value
  kStrengthAttended,    // q(correct) - q(other) for the attended cue alone / for the compound
  kStrengthUnattended,  // the same for the unattended cue alone
  kLooksOther,          // share of all training trials that attended the other (non-dominant) location
  kMeasures
};
using Result = std::array<double, kMeasures>;

// The task's layout: its observation slices and actions (the one description its scripted subjects
// use too, agents/redundant_relevant_cue_layout.hpp)
sgym::RrcLayout layout_of(const sgym::Env& env) {
  const sgym::RrcLayout l = sgym::redundant_relevant_cue_layout(env.observation_space(), env.action_space());
  if (l.k == 0) throw std::logic_error("experiment augment-rrc: RedundantRelevantCue-v0 has no cue layout");
  return l;
}

// the attention map for augment: looking at cue location k attends that cue's observation units
std::string attention_map(const sgym::RrcLayout& l) {
  std::string s;
  for (std::size_t k = 0; k < l.cue.size(); ++k)
    s += (k ? "," : "") + std::to_string(sgym::RrcLayout::look_action(k)) + ":" + std::to_string(l.cue[k]) + "-" +
         std::to_string(l.cue[k] + static_cast<std::size_t>(l.r));
  return s;
}

constexpr int kCues = 2, kResponses = 2;

// one network: `seed` seeds its weights (mix_seed(seed, 7)), its training trials (seed) and its probes
// (seed + 1000)
Result run_network(const Arm& arm, const sgym::KeyValues& env_opts, std::uint64_t seed, int train_trials, int test_trials) {
  using namespace sgym;
  KeyValues train_opts = env_opts, test_opts = env_opts;
  test_opts.emplace_back("schedule", "test");
  auto train = make_env("RedundantRelevantCue-v0", train_opts);
  auto test = make_env("RedundantRelevantCue-v0", test_opts);
  auto agent = make_agent("augment", train->observation_space(), train->action_space(), arm.options,
                          mix_seed(seed, 7));
  std::vector<float> obs;
  // one trial per episode; returns what the trial's last step told
  struct TrialEnd {
    std::string outcome;
    std::int64_t attended = -1;
  };
  auto trial = [&](Env& env, bool first) {
    TrialEnd end;
    EpisodeHooks hooks;
    hooks.on_step = [&](const EpisodeStep& st) {
      if (st.result.terminated || st.result.truncated) {
        end.outcome = st.result.info.get_string("trial_outcome");
        end.attended = st.result.info.get_int("attended_cue");
      }
      return true;
    };
    play_episode(env, *agent, first ? std::optional<std::uint64_t>(seed) : std::nullopt, obs, hooks);
    return end;
  };
  const int late = std::max(1, train_trials / 10);
  std::vector<int> looked(8, 0), looked_all(8, 0);
  int late_correct = 0;
  for (int t = 0; t < train_trials; ++t) {
    const TrialEnd info = trial(*train, t == 0);
    if (info.attended >= 0) ++looked_all[static_cast<std::size_t>(info.attended)];
    if (t >= train_trials - late) {
      late_correct += info.outcome == "correct";
      const auto a = info.attended;
      if (a >= 0) ++looked[static_cast<std::size_t>(a)];
    }
  }
  Result res{};
  const auto dominant = static_cast<int>(std::max_element(looked.begin(), looked.end()) - looked.begin());
  res[kTrainAcc] = static_cast<double>(late_correct) / late;
  res[kAttendShare] = static_cast<double>(looked[static_cast<std::size_t>(dominant)]) / late;
  res[kLooksOther] = static_cast<double>(looked_all[static_cast<std::size_t>(1 - dominant)]) / train_trials;
  // probe trials, learning off: the protocol holds fixation and looks at a cue location (single-cue
  // trials: the cue shown; conflict and redundant trials: the location the network attended in
  // training), then reads the network's q over the response actions on the first respond step: the
  // forced choice is their argmax, the associative strength q(correct) - q(other response)
  agent->set_training(false);
  const RrcLayout lay = layout_of(*test);
  const auto first_response = static_cast<int>(lay.response_action(0));
  struct Probe {
    bool ok = false;
    int choice = -1;
    double strength = 0.0;
    std::string condition;
    std::int64_t correct = -1;
    std::vector<float> values;
  };
  auto probe = [&](Env& env, bool first) {
    Probe pr;
    bool single = false;       // a single-cue probe: look where the env says the cue is
    std::int64_t truth = -1;   // the env's correct action of the current step
    std::string epoch;
    int stage = 0;  // 0: holding fixation, 1: looked at a cue, 2: responded
    Action forced;
    EpisodeHooks hooks;
    hooks.on_act = [&](const Action&, int) {
      if (stage == 0 && epoch == "fixation") forced = Action::discrete(RrcLayout::fixate_action());
      else if (stage == 0) { forced = Action::discrete(single ? truth : RrcLayout::look_action(static_cast<std::size_t>(dominant))); stage = 1; }
      else { forced = Action::discrete(first_response + pr.choice); stage = 2; }
      return &forced;
    };
    hooks.on_step = [&](const EpisodeStep& st) {
      const Info& info = st.result.info;
      epoch = info.get_string("epoch");
      truth = info.get_int("ground_truth");
      if (st.step == 0) {
        pr.condition = info.get_string("condition");
        pr.correct = info.get_int("correct_response");
        pr.values = std::get<std::vector<float>>(*info.find("cue_values"));
        single = pr.condition.rfind("single_", 0) == 0;
        return true;
      }
      if (st.result.terminated || st.result.truncated || stage == 0) return true;
      if (stage == 2 || epoch != "respond") return false;  // the probe ends after its response
      // the first respond step: the q the network will act on
      std::vector<float> q;
      for (const auto& sig : agent->introspect())
        if (sig.name == "q") q = sig.values;
      const auto resp = q.begin() + first_response;
      pr.choice = static_cast<int>(std::max_element(resp, q.end()) - resp);
      if (pr.correct >= 0) pr.strength = resp[pr.correct] - resp[1 - pr.correct];
      pr.ok = true;
      return true;
    };
    play_episode(env, *agent, first ? std::optional<std::uint64_t>(seed + 1000) : std::nullopt,
                 obs, hooks);
    return pr;
  };
  int n_att = 0, ok_att = 0, n_un = 0, ok_un = 0, n_conf = 0, follow = 0, n_comp = 0;
  double s_att = 0, s_un = 0, s_comp = 0;
  for (int t = 0; t < test_trials; ++t) {
    const Probe pr = probe(*test, t == 0);
    if (!pr.ok) continue;
    if (pr.condition == "conflict") {
      ++n_conf;
      follow += pr.choice == static_cast<int>(pr.values[static_cast<std::size_t>(dominant)]);
    } else if (pr.condition == "single_" + std::to_string(dominant)) {
      ++n_att;
      ok_att += pr.choice == pr.correct;
      s_att += pr.strength;
    } else {
      ++n_un;
      ok_un += pr.choice == pr.correct;
      s_un += pr.strength;
    }
  }
  // the compound (both cues, as in training) for the associative-strength reference
  for (int t = 0; t < test_trials / 3; ++t) {
    const Probe pr = probe(*train, t == 0);
    if (!pr.ok) continue;
    ++n_comp;
    s_comp += pr.strength;
  }
  auto ratio = [](double a, int n) { return n ? a / n : 0.0; };
  res[kAccAttended] = ratio(ok_att, n_att);
  res[kAccUnattended] = ratio(ok_un, n_un);
  res[kFollowAttended] = ratio(follow, n_conf);
  const double compound = ratio(s_comp, n_comp);
  res[kStrengthAttended] = compound > 0 ? ratio(s_att, n_att) / compound : 0.0;
  res[kStrengthUnattended] = compound > 0 ? ratio(s_un, n_un) / compound : 0.0;
  return res;
}

// the full distribution of one measure over networks: min, quartiles, max
struct Spread {
  double min, q1, median, q3, max;
};
Spread spread(const std::vector<double>& v) {
  const Quartiles q = quartiles(v);
  return {*std::min_element(v.begin(), v.end()), q.q1, q.median, q.q3, *std::max_element(v.begin(), v.end())};
}

// Spearman rank correlation (average ranks for ties); 0 when either variable is constant
double spearman(const std::vector<double>& a, const std::vector<double>& b) {
  auto ranks = [](const std::vector<double>& v) {
    std::vector<std::size_t> idx(v.size());
    for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    std::sort(idx.begin(), idx.end(), [&](std::size_t i, std::size_t j) { return v[i] < v[j]; });
    std::vector<double> r(v.size());
    for (std::size_t i = 0; i < idx.size();) {
      std::size_t j = i;
      while (j + 1 < idx.size() && v[idx[j + 1]] == v[idx[i]]) ++j;
      for (std::size_t k = i; k <= j; ++k) r[idx[k]] = 0.5 * static_cast<double>(i + j);
      i = j + 1;
    }
    return r;
  };
  const std::vector<double> ra = ranks(a), rb = ranks(b);
  const double n = static_cast<double>(a.size());
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < ra.size(); ++i) ma += ra[i] / n, mb += rb[i] / n;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < ra.size(); ++i) {
    sab += (ra[i] - ma) * (rb[i] - mb);
    saa += (ra[i] - ma) * (ra[i] - ma);
    sbb += (rb[i] - mb) * (rb[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : 0.0;
}

/// The experiment's parameters (sgym experiment describe augment-rrc).
struct Params {
  int networks = 50, train_trials = 10000, test_trials = 600;
  std::string gains = "1.0 0.8 0.5", env_options = "fixation_reward=0.2 abort_reward=-0.2", agent_options;
  // the gated learner's and the control's location synapses start silent [choice]: their random
  // initial weights carry the unattended cue to the association units, whose output weights (no input
  // gate there) learn to read it (augment-rrc.md); false = the published random initial weights
  bool silent = true;
};

const sgym::OptionSet<Params>& params() {
  static const sgym::OptionSet<Params> set = [] {
    sgym::OptionSet<Params> o("experiment augment-rrc");
    o.add("n_seeds", &Params::networks, "", "networks per learner and gain; network i uses mix_seed(seed, i) in every learner and gain", 1, 1000000)
        .deprecated_alias("networks")
        .add("train_trials", &Params::train_trials, "trials", "training trials (redundant cues, learning and exploration on)", 1, 100000000)
        .add("test_trials", &Params::test_trials, "trials",
             "probe trials with learning off (single cues and conflicts, equally likely; plus a third as many redundant probes)", 1, 100000000)
        .add_text("gains", &Params::gains, "", "numbers separated by spaces",
                  "peripheral_acuity of the env, the gain of the unattended cue: one run of every learner per value (the env's default is 0.8)")
        .add_text("env_options", &Params::env_options, "", "key=value ...",
                  "further RedundantRelevantCue-v0 options (default: fixation_reward=0.2, the fixation reward of the AuGMEnT saccade task, "
                  "and abort_reward=-0.2, without which about half the networks never learn to fixate)")
        .add_text("agent_options", &Params::agent_options, "", "key=value ...",
                  "further augment options for every learner (not attention_map, attention_gate or gate, which make the learners); default none: the published defaults")
        .add("silent_location_synapses", &Params::silent,
             "the gated learner and its control start with the location units' synapses onto the association units at 0 (augment option silent_location_synapses: silent synapses, not random ones: random initial weights carry the unattended cue to the association units, whose output weights learn to read it); false = the published random initial weights, U(-r, r) with the agent's init_range");
    return o;
  }();
  return set;
}

/// The gains of the `gains` parameter, as written (they label the tables and the data).
std::vector<std::string> gain_list(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string g; in >> g;) {
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(g, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != g.size() || !(v >= 0.0 && v <= 1.0))
      throw sgym::UsageError("experiment augment-rrc: gains: '" + g + "' is not a number in [0, 1] (e.g. gains=\"1.0 0.8 0.5\")");
    out.push_back(g);
  }
  if (out.empty()) throw sgym::UsageError("experiment augment-rrc: gains: give at least one number in [0, 1] (e.g. gains=\"0.8\")");
  return out;
}

// the gated learner and its control differ in attention_gate only; the third arm is the rule without
// any feedback gate (FB_j = 1, no attention map), for reference
std::vector<Arm> arms() {
  const std::string map = attention_map(
      layout_of(*sgym::make_env("RedundantRelevantCue-v0", {{"n_cues", std::to_string(kCues)}, {"n_responses", std::to_string(kResponses)}})));
  return {
      {"attention-gated", {{"attention_map", map}}},
      {"un-gated control (attention_gate=false)", {{"attention_map", map}, {"attention_gate", "false"}}},
      {"no feedback gate (gate=false, no map)", {{"gate", "false"}}},
  };
}

constexpr const char* kColumns =
    "gain,arm,network,seed,train_acc,attend_share,acc_attended,acc_unattended,follows_attended,strength_attended,"
    "strength_unattended,looks_other";

void run(const sgym::experiment::Context& ctx) {
  using sgym::experiment::say;
  const Params prm = params().parse(ctx.params);
  const std::vector<std::string> gains = gain_list(prm.gains);
  const sgym::KeyValues extra = sgym::experiment::key_values(prm.env_options, "env_options");
  sgym::experiment::refuse_keys(extra, {"n_cues", "n_responses", "peripheral_acuity", "schedule"}, "augment-rrc", "env_options",
                                "2 cues x 2 responses, peripheral_acuity from gains, training then test schedule");
  std::vector<Arm> arm = arms();
  {
    const sgym::KeyValues agent = sgym::experiment::key_values(prm.agent_options, "agent_options");
    sgym::experiment::refuse_keys(agent, {"attention_map", "attention_gate", "gate", "silent_location_synapses"}, "augment-rrc", "agent_options",
                                  "the learners (gated, control, no feedback gate) and the parameter silent_location_synapses");
    for (Arm& a : arm) {
      a.options.insert(a.options.end(), agent.begin(), agent.end());
      const bool mapped = std::any_of(a.options.begin(), a.options.end(), [](const auto& kv) { return kv.first == "attention_map"; });
      if (prm.silent && mapped) a.options.push_back({"silent_location_synapses", "true"});
    }
  }
  std::vector<sgym::KeyValues> env_opts;
  for (const std::string& g : gains) {
    sgym::KeyValues o = {{"n_cues", std::to_string(kCues)}, {"n_responses", std::to_string(kResponses)}, {"peripheral_acuity", g}};
    o.insert(o.end(), extra.begin(), extra.end());
    sgym::make_env("RedundantRelevantCue-v0", o);  // validate the options once before starting threads
    env_opts.push_back(std::move(o));
  }
  {  // validate every learner's options once before starting threads
    auto probe = sgym::make_env("RedundantRelevantCue-v0", env_opts.front());
    for (const Arm& a : arm) sgym::make_agent("augment", probe->observation_space(), probe->action_space(), a.options, 1);
  }
  const int n = prm.networks;
  const std::size_t per_gain = arm.size() * static_cast<std::size_t>(n);
  auto net_seed = [&](int i) { return sgym::mix_seed(ctx.seed, static_cast<std::uint64_t>(i)); };
  // slot (gain, arm, network), in that order
  std::vector<Result> results(gains.size() * per_gain);
  sgym::experiment::parallel_for(static_cast<int>(results.size()), ctx.jobs, [&](int k) {
    const auto slot = static_cast<std::size_t>(k);
    const std::size_t g = slot / per_gain, a = slot % per_gain / static_cast<std::size_t>(n);
    const int i = static_cast<int>(slot % static_cast<std::size_t>(n));
    results[slot] = run_network(arm[a], env_opts[g], net_seed(i), prm.train_trials, prm.test_trials);
  });

  std::ostream& md = ctx.md();
  std::ostringstream csv;
  csv << kColumns << "\n";
  for (std::size_t g = 0; g < gains.size(); ++g) {
    std::vector<std::vector<std::vector<double>>> all(arm.size(), std::vector<std::vector<double>>(kMeasures));
    for (std::size_t a = 0; a < arm.size(); ++a)
      for (int i = 0; i < n; ++i) {
        const Result& r = results[g * per_gain + a * static_cast<std::size_t>(n) + static_cast<std::size_t>(i)];
        for (std::size_t m = 0; m < kMeasures; ++m) all[a][m].push_back(r[m]);
        csv << gains[g] << ',' << a << ',' << i << ',' << net_seed(i);
        for (const double x : r) csv << ',' << x;
        csv << '\n';
      }
    say(md, "\n### unattended gain (peripheral_acuity) = %s\n\n", gains[g].c_str());
    say(md, "| learner | training accuracy (last 10 %%) | attends one location | single attended cue | single unattended cue | conflict: follows attended | strength: attended / compound | strength: unattended / compound | training trials attending the other location |\n");
    say(md, "|---|---|---|---|---|---|---|---|---|\n");
    for (std::size_t a = 0; a < arm.size(); ++a) {
      say(md, "| %s", arm[a].name.c_str());
      for (const auto& v : all[a]) {
        const Quartiles q = quartiles(v);
        say(md, " | %.3f [%.3f, %.3f]", q.median, q.q1, q.q3);
      }
      say(md, " |\n");
    }
    say(md, "\nFull distribution over the %d networks (min, lower quartile, median, upper quartile, max):\n\n", n);
    say(md, "| learner | measure | min | Q1 | median | Q3 | max |\n|---|---|---|---|---|---|---|\n");
    for (std::size_t a = 0; a < arm.size(); ++a)
      for (const auto& [m, what] : {std::pair{kAccUnattended, "single unattended cue"}, std::pair{kTrainAcc, "training accuracy"}}) {
        const Spread d = spread(all[a][m]);
        say(md, "| %s | %s | %.3f | %.3f | %.3f | %.3f | %.3f |\n", arm[a].name.c_str(), what, d.min, d.q1, d.median, d.q3, d.max);
      }
    say(md, "\nNetworks with single unattended-cue accuracy above 0.6:");
    for (std::size_t a = 0; a < arm.size(); ++a) {
      const auto above = std::count_if(all[a][kAccUnattended].begin(), all[a][kAccUnattended].end(), [](double x) { return x > 0.6; });
      say(md, " %s %td of %d%s", arm[a].name.c_str(), above, n, a + 1 < arm.size() ? ";" : "\n");
    }
    say(md, "\nSpearman correlation over networks of the single unattended-cue accuracy with the share of training trials that attended the other location:");
    for (std::size_t a = 0; a < arm.size(); ++a)
      say(md, " %s %.2f%s", arm[a].name.c_str(), spearman(all[a][kAccUnattended], all[a][kLooksOther]), a + 1 < arm.size() ? ";" : "\n");
  }
  ctx.write("networks.csv", csv.str());
  say(md, "\n%d networks per learner and gain (network i: seed mix_seed(%llu, i)); %d training trials (redundant cues, exploring), then %d probe trials (single cues and conflicts, equally likely; plus a third as many redundant probes) with learning off; "
          "RedundantRelevantCue-v0 n_cues=%d n_responses=%d",
      n, static_cast<unsigned long long>(ctx.seed), prm.train_trials, prm.test_trials, kCues, kResponses);
  for (const auto& [k, v] : extra) say(md, " %s=%s", k.c_str(), v.c_str());
  say(md, ", other options default; augment defaults plus the learner's options%s\n",
      prm.silent ? "; the gated learner and the control with silent_location_synapses=true (location synapses start at 0)" : "");
}

/// Figure: single-cue probe accuracy (attended and unattended cue) of each learner against the
/// unattended gain, median and IQR over networks (the strip plot of every network is
/// benchmarks/plot_rrc_attention.gp's).
std::vector<sgym::experiment::Figure> figures(const std::filesystem::path& dir) {
  const auto rows = sgym::experiment::read_csv(dir / "networks.csv");
  const std::size_t n_arms = arms().size();
  std::map<int, sgym::TrialTable> per_net;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    if (rows[r].size() < 12) continue;
    const auto a = static_cast<std::size_t>(std::stoi(rows[r][1]));
    if (a >= n_arms) continue;
    sgym::TrialTable& t = per_net[std::stoi(rows[r][2])];
    if (t.columns.empty())
      t.columns = {"gated, unattended", "control, unattended", "FB=1, unattended", "gated, attended", "control, attended", "FB=1, attended"};
    auto& row = t.rows[std::stod(rows[r][0])];
    row.resize(2 * n_arms, std::nan(""));
    row[a] = std::stod(rows[r][7]);
    row[n_arms + a] = std::stod(rows[r][6]);
  }
  sgym::experiment::Figure f{"single-cue-accuracy", {}, {}};
  for (auto& [net, t] : per_net) f.seeds.push_back(std::move(t));
  f.spec.title = "AuGMEnT, redundant relevant cues: single-cue probe accuracy";
  f.spec.xlabel = "gain of the unattended cue (the env option peripheral acuity)";
  f.spec.ylabel = "forced-choice accuracy (chance 0.5)";
  f.spec.yrange = std::array<double, 2>{0.0, 1.05};
  f.spec.legend = "bottom right";
  f.spec.series = {{0, "gated (attention_map): unattended cue", "#3070c0"},
                   {1, "control (attention_gate=false): unattended cue", "#e08020"},
                   {2, "FB=1 (gate=false): unattended cue", "#60a060"},
                   {3, "gated: attended cue", "#3070c0", sgym::FigureSeries::Style::kDashed, false}};
  return {f};
}

}  // namespace

sgym::experiment::Entry augment_rrc_experiment() {
  sgym::experiment::Entry e;
  e.name = "augment-rrc";
  e.reproduces = "Roelfsema & Holtmaat 2018 (Nat Rev Neurosci 19:166), redundant relevant cues: subjects learn only about the attended cue; AuGMEnT with and without the attention gate on plasticity";
  e.results = "benchmarks/results/augment-rrc.md";
  e.description = "AuGMEnT on RedundantRelevantCue-v0: single-cue accuracy of the attended and the unattended cue, gated vs un-gated, per unattended gain";
  e.params = params().docs();
  e.quick = {{"n_seeds", "3"}, {"train_trials", "3000"}, {"test_trials", "60"}, {"gains", "0.8"}};
  e.run = run;
  e.figures = figures;
  return e;
}
