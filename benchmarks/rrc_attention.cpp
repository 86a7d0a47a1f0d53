// AuGMEnT on RedundantRelevantCue-v0: what is learned about the attended and the unattended cue
// with and without the attention gate on plasticity (docs/science.md; Roelfsema & Holtmaat 2018:
// subjects "learn only about the attended stimuli"). The gated learner and its un-gated control
// differ only in that gate (option attention_gate): both select attention actions with the same
// rule and keep AuGMEnT's association-level gate. Each network is trained on redundant trials, then
// tested with learning off on forced-choice single-cue and conflict probes. Per network the attended
// cue is the location it attended most over the last 10 % of training. Prints markdown tables of the
// median [interquartile range] over networks and the full distribution (min, quartiles, max) of the
// unattended-cue and training accuracy; --data writes a summary and --networks a per-network
// whitespace table for gnuplot.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <cmath>
#include <variant>
#include <cstdio>
#include <fstream>
#include <utility>
#include <string>
#include <vector>

#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/rng.hpp"
#include "sgym/interact.hpp"

namespace {

// median and quartiles (linear interpolation, as numpy's default)
struct Quartiles {
  double q1, median, q3;
};

Quartiles quartiles(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto q = [&](double p) {
    const double h = p * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(h);
    const std::size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (h - static_cast<double>(lo)) * (v[hi] - v[lo]);
  };
  return {q(0.25), q(0.5), q(0.75)};
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

// the attention map for augment: action 1 + k attends the observation slice the env names cue_k
// (RedundantRelevantCue-v0's layout, looked up by name so that the layout stays in the env's file)
std::string attention_map(const sgym::Space& obs, int cues) {
  std::string s;
  for (int k = 0; k < cues; ++k) {
    const sgym::ObsSlice& c = obs.slice("cue_" + std::to_string(k), 0, "sgym_rrc_attention");
    s += (k ? "," : "") + std::to_string(1 + k) + ":" + std::to_string(c.offset) + "-" + std::to_string(c.offset + c.size - 1);
  }
  return s;
}

constexpr int kCues = 2, kResponses = 2;

Result run_network(const Arm& arm, const sgym::KeyValues& env_opts, int seed, int train_trials, int test_trials) {
  using namespace sgym;
  KeyValues train_opts = env_opts, test_opts = env_opts;
  test_opts.emplace_back("schedule", "test");
  auto train = make_env("RedundantRelevantCue-v0", train_opts);
  auto test = make_env("RedundantRelevantCue-v0", test_opts);
  auto agent = make_agent("augment", train->observation_space(), train->action_space(), arm.options,
                          mix_seed(static_cast<std::uint64_t>(seed), 7));
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
    play_episode(env, *agent, first ? std::optional<std::uint64_t>(static_cast<std::uint64_t>(seed)) : std::nullopt, obs, hooks);
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
  const int first_response = static_cast<int>(test->action_space().n()) - kResponses;
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
    int look = dominant;
    std::string epoch;
    int stage = 0;  // 0: holding fixation, 1: looked at a cue, 2: responded
    Action forced;
    EpisodeHooks hooks;
    hooks.on_act = [&](const Action&, int) {
      if (stage == 0 && epoch == "fixation") forced = Action::discrete(0);
      else if (stage == 0) { forced = Action::discrete(1 + look); stage = 1; }
      else { forced = Action::discrete(first_response + pr.choice); stage = 2; }
      return &forced;
    };
    hooks.on_step = [&](const EpisodeStep& st) {
      const Info& info = st.result.info;
      epoch = info.get_string("epoch");
      if (st.step == 0) {
        pr.condition = info.get_string("condition");
        pr.correct = info.get_int("correct_response");
        pr.values = std::get<std::vector<float>>(*info.find("cue_values"));
        if (pr.condition.rfind("single_", 0) == 0) look = pr.condition.back() - '0';
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
    play_episode(env, *agent, first ? std::optional<std::uint64_t>(static_cast<std::uint64_t>(seed) + 1000) : std::nullopt,
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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"AuGMEnT with and without the attention gate on plasticity, on RedundantRelevantCue-v0: single-cue test accuracy"};
  int seeds = 30, first_seed = 1001, train_trials = 3000, test_trials = 600;
  std::vector<std::string> gains = {"0.8"};
  std::string data, networks;
  std::vector<std::string> extra = {"fixation_reward=0.2", "abort_reward=-0.2"};
  app.add_option("--seeds", seeds, "networks per arm")->check(CLI::PositiveNumber);
  app.add_option("--first-seed", first_seed, "seed of the first network (networks use first-seed, first-seed + 1, ...; the tests use 1-6)")->check(CLI::NonNegativeNumber);
  app.add_option("--train", train_trials, "training trials (redundant cues)")->check(CLI::PositiveNumber);
  app.add_option("--test", test_trials, "probe trials with learning off (single cues and conflicts, equally likely)")->check(CLI::PositiveNumber);
  app.add_option("--gain", gains, "peripheral_acuity of the env: gain of the unattended cue (one run per value; the env's default is 0.8)");
  app.add_option("--env-opt", extra, "further RedundantRelevantCue-v0 options, key=value (default: fixation_reward=0.2, the fixation reward of the AuGMEnT saccade task, and abort_reward=-0.2, without which about half the networks never learn to fixate)");
  app.add_option("--data", data, "write a gnuplot summary file (one row per gain x arm: quartiles)");
  app.add_option("--networks", networks, "write a gnuplot file with one row per network (gain, arm, seed, every measure)");
  CLI11_PARSE(app, argc, argv);
  const std::string map = attention_map(
      sgym::make_env("RedundantRelevantCue-v0", {{"n_cues", std::to_string(kCues)}, {"n_responses", std::to_string(kResponses)}})
          ->observation_space(),
      kCues);
  // the gated learner and its control differ in attention_gate only; the third arm is the rule
  // without any feedback gate (FB_j = 1, no attention map), for reference
  const std::vector<Arm> arms = {
      {"attention-gated", {{"attention_map", map}}},
      {"un-gated control (attention_gate=false)", {{"attention_map", map}, {"attention_gate", "false"}}},
      {"no feedback gate (gate=false, no map)", {{"gate", "false"}}},
  };
  std::ofstream out, per;
  if (!data.empty()) {
    out.open(data + ".tmp");
    out << "# gain arm att_q1 att_med att_q3 un_q1 un_med un_q3 conf_q1 conf_med conf_q3 satt_q1 satt_med satt_q3 sun_q1 sun_med sun_q3\n";
  }
  if (!networks.empty()) {
    per.open(networks + ".tmp");
    per << "# gain arm seed train_acc attend_share acc_attended acc_unattended follows_attended strength_attended strength_unattended looks_other\n";
  }
  for (const std::string& g : gains) {
    sgym::KeyValues env_opts = {{"n_cues", std::to_string(kCues)}, {"n_responses", std::to_string(kResponses)},
                                {"peripheral_acuity", g}};
    for (const std::string& kv : extra) {
      const auto eq = kv.find('=');
      if (eq == std::string::npos) {
        std::fprintf(stderr, "--env-opt %s: expected key=value\n", kv.c_str());
        return 2;
      }
      env_opts.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    }
    std::vector<std::vector<std::vector<double>>> all(arms.size());
    for (std::size_t a = 0; a < arms.size(); ++a) {
      all[a].assign(kMeasures, {});
      for (int s = first_seed; s < first_seed + seeds; ++s) {
        const Result r = run_network(arms[a], env_opts, s, train_trials, test_trials);
        for (std::size_t i = 0; i < kMeasures; ++i) all[a][i].push_back(r[i]);
        if (per) {
          per << g << " " << a << " " << s;
          for (const double x : r) per << " " << x;
          per << "\n";
        }
      }
    }
    std::printf("\n### unattended gain (peripheral_acuity) = %s\n\n", g.c_str());
    std::printf("| learner | training accuracy (last 10 %%) | attends one location | single attended cue | single unattended cue | conflict: follows attended | strength: attended / compound | strength: unattended / compound | training trials attending the other location |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|\n");
    for (std::size_t a = 0; a < arms.size(); ++a) {
      std::printf("| %s", arms[a].name.c_str());
      std::vector<Quartiles> q;
      for (const auto& v : all[a]) {
        q.push_back(quartiles(v));
        std::printf(" | %.3f [%.3f, %.3f]", q.back().median, q.back().q1, q.back().q3);
      }
      std::printf(" |\n");
      if (out) {
        out << g << " " << a;
        for (const std::size_t i : {kAccAttended, kAccUnattended, kFollowAttended, kStrengthAttended, kStrengthUnattended}) out << " " << q[i].q1 << " " << q[i].median << " " << q[i].q3;
        out << "\n";
      }
    }
    std::printf("\nFull distribution over the %d networks (min, lower quartile, median, upper quartile, max):\n\n", seeds);
    std::printf("| learner | measure | min | Q1 | median | Q3 | max |\n|---|---|---|---|---|---|---|\n");
    for (std::size_t a = 0; a < arms.size(); ++a)
      for (const auto& [i, what] : {std::pair{kAccUnattended, "single unattended cue"}, std::pair{kTrainAcc, "training accuracy"}}) {
        const Spread d = spread(all[a][i]);
        std::printf("| %s | %s | %.3f | %.3f | %.3f | %.3f | %.3f |\n", arms[a].name.c_str(), what, d.min, d.q1, d.median, d.q3, d.max);
      }
    std::printf("\nSpearman correlation over networks of the single unattended-cue accuracy with the share of training trials that attended the other location:");
    for (std::size_t a = 0; a < arms.size(); ++a)
      std::printf(" %s %.2f%s", arms[a].name.c_str(), spearman(all[a][kAccUnattended], all[a][kLooksOther]), a + 1 < arms.size() ? ";" : "\n");
  }
  // the files appear whole or not at all
  for (auto [f, path] : {std::pair{&out, &data}, std::pair{&per, &networks}}) {
    if (path->empty()) continue;
    f->close();
    if (!*f || std::rename((*path + ".tmp").c_str(), path->c_str()) != 0) {
      std::fprintf(stderr, "could not write %s\n", path->c_str());
      return 1;
    }
  }
  std::printf("\n%d networks per arm (seeds %d-%d); %d training trials (redundant cues, exploring), then %d probe trials (single cues and conflicts, equally likely; plus a third as many redundant probes) with learning off; "
              "RedundantRelevantCue-v0 n_cues=%d n_responses=%d",
              seeds, first_seed, first_seed + seeds - 1, train_trials, test_trials, kCues, kResponses);
  for (const std::string& kv : extra) std::printf(" %s", kv.c_str());
  std::printf(", other options default; augment defaults plus the arm's options\n");
  return 0;
}
