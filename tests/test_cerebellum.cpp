// Cerebellar learners (agents/learning/cerebellum.hpp, two_state.hpp) and the cerebellar-reach agent:
// LMS converges on a linear target; retention decays weights by its factor per trial; the granule
// layer is sparse and wired as asked; the forward model's prediction error falls when trained on the
// arm; the two-state fit recovers known parameters; and cerebellar-reach shows, measured on short
// schedules, the adaptation, after-effect, savings and spontaneous-recovery signatures.
#include <catch2/catch.hpp>
#include <cmath>

#include "../benchmarks/arm_adaptation.hpp"
#include "learning/cerebellum.hpp"
#include "learning/two_state.hpp"
#include "sgym/agents.hpp"
#include "sgym/envs.hpp"

using namespace sgym;
using Catch::Matchers::Contains;

TEST_CASE("Purkinje LMS converges on a linear target", "[cerebellum]") {
  Rng rng(3);
  const int n = 40;
  Eigen::MatrixXd target(2, n);
  for (int i = 0; i < 2; ++i)
    for (int k = 0; k < n; ++k) target(i, k) = rng.uniform(-1.0, 1.0);
  learning::PurkinjeModule m(n, 2, 0.05, 1.0);
  Eigen::VectorXd p(n), z(2), e(2);
  auto mse = [&](int samples) {
    double s = 0;
    Rng test(99);
    for (int t = 0; t < samples; ++t) {
      for (int k = 0; k < n; ++k) p[k] = test.uniform(0.0, 1.0) < 0.2 ? test.uniform(0.0, 1.0) : 0.0;
      m.output(p, z);
      s += (z - target * p).squaredNorm();
    }
    return s / samples;
  };
  const double before = mse(200);
  for (int t = 0; t < 5000; ++t) {
    for (int k = 0; k < n; ++k) p[k] = rng.uniform(0.0, 1.0) < 0.2 ? rng.uniform(0.0, 1.0) : 0.0;
    m.output(p, z);
    e = z - target * p;  // climbing-fibre error: output minus desired
    m.learn(p, e);
  }
  const double after = mse(200);
  INFO("mean squared error before " << before << ", after 5000 LMS steps " << after);
  REQUIRE(after < 1e-4 * before);
  REQUIRE((m.weights() - target).cwiseAbs().maxCoeff() < 1e-2);
}

TEST_CASE("Purkinje retention decays the weights by its factor per trial", "[cerebellum]") {
  const double a = GENERATE(0.9, 0.996, 0.0);
  learning::PurkinjeModule m(5, 2, 0.1, a);
  m.weights().setConstant(2.0);
  m.weights()(1, 3) = -1.5;
  for (int trial = 1; trial <= 20; ++trial) {
    m.retain();
    REQUIRE(m.weights()(0, 0) == Approx(2.0 * std::pow(a, trial)).margin(1e-300));
    REQUIRE(m.weights()(1, 3) == Approx(-1.5 * std::pow(a, trial)).margin(1e-300));
  }
}

TEST_CASE("Granule layer: sparse, thresholded conjunctions of its input groups", "[cerebellum]") {
  Rng rng(7);
  learning::GranuleLayer g({8, 16}, {2, 2}, 1000, 0.35, rng);
  REQUIRE(g.size() == 1000);
  REQUIRE(g.mossy_size() == 24);
  learning::TemporalBasis basis(16, 0.75);
  Eigen::VectorXd m = Eigen::VectorXd::Zero(24), p(1000);
  // one direction unit and one time bump on: only cells wired to both can pass 0.35 of the mean
  m[3] = 1.0;
  basis.evaluate(0.25, m.tail(16));
  REQUIRE(m.tail(16).sum() == Approx(1.0));  // the raised-cosine bank sums to 1 inside its span
  g.encode(m, p);
  const long active = (p.array() > 0.0).count();
  INFO(active << " of 1000 granule cells active");
  REQUIRE(active > 0);
  REQUIRE(active < 100);  // sparse
  REQUIRE(p.minCoeff() >= 0.0);
  // silence gives silence; a wrong fan-in is refused
  g.encode(Eigen::VectorXd::Zero(24), p);
  REQUIRE(p.maxCoeff() == 0.0);
  REQUIRE_THROWS_AS(learning::GranuleLayer({4}, {5}, 10, 0.1, rng), UsageError);
}

TEST_CASE("Forward model: the prediction error falls when trained on the arm", "[cerebellum]") {
  // the inverse-dynamics controller reaches; the forward model predicts the next joint velocities
  // from the current ones and the torques; its error is measured with learning off on one reach to
  // each of the 8 targets, untrained and after 80 training reaches
  auto env = make_env("ArmReach-v0", {{"schedule", "baseline:1000"}, {"target_order", "sequential"}});
  auto agent = make_agent("inverse-dynamics", env->observation_space(), env->action_space(), {}, 1);
  Rng rng(5);
  const double rate = GENERATE(0.2, 0.5);
  learning::ForwardModel fm(2, 2, {3.0, 3.0, 2.0, 2.0}, 400, 3, 0.3, rate, rng);
  std::vector<float> obs;
  auto run = [&](int trials, bool learn) {
    double s = 0;
    int n = 0;
    for (int trial = 0; trial < trials; ++trial) {
      auto r0 = env->reset();
      obs.assign(r0.obs.begin(), r0.obs.end());
      agent->begin_episode();
      for (;;) {
        const Action& a = agent->act(obs);
        fm.predict(std::span<const float>(obs).subspan(2, 2), a.values);
        auto r = env->step(a);
        obs.assign(r.obs.begin(), r.obs.end());
        s += fm.update(std::span<const float>(obs).subspan(2, 2), learn);
        ++n;
        agent->observe(r.reward, obs, r.terminated, r.truncated);
        if (r.terminated || r.truncated) break;
      }
    }
    return s / n;
  };
  env->reset(1);
  const double untrained = run(8, false);
  run(80, true);
  const double trained = run(8, false);
  INFO("normalised LMS rate " << rate << ": mean |prediction error| per step (rad/s) untrained " << untrained
                              << ", after 80 training reaches " << trained);
  REQUIRE(trained < 0.5 * untrained);
}

TEST_CASE("Two-state fit recovers the parameters of simulated adaptation", "[cerebellum]") {
  // Smith et al. 2006's structure, with parameters as used in public re-implementations of their
  // simulations (A_f 0.92, B_f 0.03, A_s 0.996, B_s 0.004) [unverified against the paper]
  const learning::TwoStateParams truth{0.92, 0.03, 0.996, 0.004};
  std::vector<learning::TwoStateTrial> trials;
  for (int n = 0; n < 550; ++n) {
    learning::TwoStateTrial t;
    t.f = n < 50 ? 0.0 : n < 400 ? 1.0 : n < 415 ? -1.0 : 0.0;
    t.clamp = n >= 415;
    trials.push_back(t);
  }
  std::vector<double> x;
  learning::simulate_two_state(truth, trials, x);
  for (std::size_t n = 0; n < trials.size(); ++n) trials[n].measured = x[n];
  const auto fit = learning::fit_two_state(trials);
  INFO("fit A_f " << fit.params.a_f << " B_f " << fit.params.b_f << " A_s " << fit.params.a_s << " B_s "
                  << fit.params.b_s << " R2 " << fit.r2);
  REQUIRE(fit.r2 > 0.999);
  REQUIRE(fit.params.a_f == Approx(0.92).margin(0.02));
  REQUIRE(fit.params.b_f == Approx(0.03).margin(0.005));
  REQUIRE(fit.params.a_s == Approx(0.996).margin(0.002));
  REQUIRE(fit.params.b_s == Approx(0.004).margin(0.001));
  // spontaneous recovery in the simulated clamp: negative after the opposite block, then positive
  REQUIRE(x[414] < 0.05);
  REQUIRE(*std::max_element(x.begin() + 415, x.end()) > 0.1);
}

namespace {

namespace aa = sgym::arm_adaptation;

// the mean of the error e = f - x over trials [from, from + n) of the k-th block of `phase`
double error_in(const std::vector<aa::Trial>& t, const std::string& phase, int k, long long from, long long n) {
  const long long s = aa::phase_start(t, phase, k) + from;
  return aa::mean_over(t, s, s + n, aa::error_of);
}

}  // namespace

TEST_CASE("cerebellar-reach adapts to a 30 deg rotation, shows an after-effect and savings", "[cerebellum][agent]") {
  aa::Protocol p;
  p.perturbation = "rotation";
  p.schedule = "baseline:16,rotation:100,washout:24,rotation:40";
  p.seed = GENERATE(1, 2);
  const auto t = aa::run_protocol(p);
  const double first5 = error_in(t, "rotation", 0, 0, 5), last5 = error_in(t, "rotation", 0, 95, 5);
  const double after = error_in(t, "washout", 0, 0, 5);
  const double exposure1 = error_in(t, "rotation", 0, 0, 10), exposure2 = error_in(t, "rotation", 1, 0, 10);
  const double first_trial = error_in(t, "rotation", 0, 0, 1);
  INFO("seed " << p.seed << ": error (deg) first rotated trial " << first_trial << ", first 5 " << first5
               << ", last 5 of 100 " << last5 << "; washout first 5 " << after << "; first 10 of exposure 1 "
               << exposure1 << " vs re-exposure " << exposure2);
  // adaptation: the error after 100 rotated trials is well below the first rotated trials'
  REQUIRE(first5 > 10.0);
  REQUIRE(last5 < 0.5 * first5);
  // after-effect: in washout the error has the opposite sign
  REQUIRE(after < -3.0);
  // savings: re-adaptation starts with a smaller error (after this short washout the slow module still
  // holds part of the adaptation; after a complete washout there is no consistent savings, see
  // benchmarks/results/arm_adaptation.md)
  REQUIRE(exposure2 < 0.9 * exposure1);
}

TEST_CASE("cerebellar-reach: spontaneous recovery in error clamps after brief opposite adaptation", "[cerebellum][agent]") {
  aa::Protocol p;
  p.perturbation = GENERATE(as<std::string>{}, "rotation", "curl");
  p.schedule = p.perturbation == "rotation" ? "baseline:16,rotation:120,counter_rotation:15,clamp:40"
                                            : "baseline:16,curl:120,counter_curl:15,clamp:40";
  const auto t = aa::run_protocol(p);
  const long long c = aa::phase_start(t, "clamp");
  auto x = [](const aa::Trial& tr) { return tr.adaptation; };
  const double at_clamp = aa::mean_over(t, c, c + 3, x), later = aa::mean_over(t, c + 15, c + 30, x);
  const double adapted = aa::mean_over(t, c - 20, c - 15, x);
  INFO(p.perturbation << ": adaptation x (deg) before the opposite block " << adapted << ", first 3 clamp trials "
                      << at_clamp << ", clamp trials 16-30 " << later);
  REQUIRE(adapted > 10.0);
  // the net adaptation rebounds toward the first perturbation's side while the error is clamped
  REQUIRE(later > at_clamp + 3.0);
  REQUIRE(later > 0.0);
}

TEST_CASE("cerebellar-reach adapts to a curl field and shows an after-effect", "[cerebellum][agent]") {
  aa::Protocol p;
  p.perturbation = "curl";
  p.schedule = "baseline:16,curl:100,washout:24";
  const auto t = aa::run_protocol(p);
  const double first5 = error_in(t, "curl", 0, 0, 5), last5 = error_in(t, "curl", 0, 95, 5);
  const double after = error_in(t, "washout", 0, 0, 5);
  INFO("error (deg) first 5 curl trials " << first5 << ", last 5 of 100 " << last5 << "; washout first 5 " << after);
  REQUIRE(first5 > 10.0);
  REQUIRE(last5 < 0.5 * first5);
  REQUIRE(after < -3.0);
}

TEST_CASE("cerebellar-reach exposes its signals and learns little in baseline", "[cerebellum][agent]") {
  auto env = make_env("ArmReach-v0", {{"schedule", "baseline:24,rotation:24"}});
  auto agent = make_agent("cerebellar-reach", env->observation_space(), env->action_space(), {}, 1);
  REQUIRE(agent->signal_names() ==
          std::vector<std::string>{"fast", "slow", "feedback", "plan", "prediction_error", "visual_latency_ms"});
  // the largest learned (fast + slow) and planned torques over the baseline and the rotation block
  double learned[2] = {0, 0}, plan[2] = {0, 0};
  std::vector<float> obs;
  for (int trial = 0; trial < 48; ++trial) {
    auto r0 = env->reset(trial == 0 ? std::optional<std::uint64_t>(1) : std::nullopt);
    obs.assign(r0.obs.begin(), r0.obs.end());
    agent->begin_episode();
    for (;;) {
      auto r = env->step(agent->act(obs));
      obs.assign(r.obs.begin(), r.obs.end());
      agent->observe(r.reward, obs, r.terminated, r.truncated);
      const auto s = agent->introspect();
      REQUIRE(s.size() == 6);
      const int block = trial < 24 ? 0 : 1;
      learned[block] = std::max(learned[block], double(std::hypot(s[0].values[0] + s[1].values[0], s[0].values[1] + s[1].values[1])));
      plan[block] = std::max(plan[block], double(std::hypot(s[3].values[0], s[3].values[1])));
      REQUIRE(std::isfinite(s[4].values[0]));
      if (block == 0 && !r.info.string_or_empty("trial_outcome").empty()) REQUIRE(r.info.get_string("trial_outcome") == "correct");
      if (r.terminated || r.truncated) break;
    }
  }
  INFO("largest learned torque: baseline " << learned[0] << " N*m, rotation " << learned[1] << " N*m; largest planned " << plan[0]);
  // the believed arm is the real one: in baseline there is almost nothing to learn, in rotation there is
  REQUIRE(learned[0] < 0.1 * plan[0]);
  REQUIRE(learned[1] > 5.0 * learned[0]);
}

namespace {

// mean prediction error of the cerebellum wrapper per episode, over `episodes` episodes
std::vector<double> wrapper_errors(const std::string& env_id, const KeyValues& env_opts, const KeyValues& agent_opts,
                                   int episodes) {
  auto env = make_env(env_id, env_opts);
  auto agent = make_agent("cerebellum", env->observation_space(), env->action_space(), agent_opts, 3);
  std::vector<double> out;
  std::vector<float> obs;
  for (int ep = 0; ep < episodes; ++ep) {
    auto r0 = env->reset(ep == 0 ? std::optional<std::uint64_t>(3) : std::nullopt);
    obs.assign(r0.obs.begin(), r0.obs.end());
    agent->begin_episode();
    double s = 0;
    int n = 0;
    for (;;) {
      auto r = env->step(agent->act(obs));
      obs.assign(r.obs.begin(), r.obs.end());
      agent->observe(r.reward, obs, r.terminated, r.truncated);
      const auto sig = agent->introspect();
      REQUIRE(sig[0].name == "prediction_error");
      REQUIRE(sig[1].values.size() == obs.size());
      s += sig[0].values[0];
      ++n;
      if (r.terminated || r.truncated) break;
    }
    agent->end_episode();
    out.push_back(s / n);
  }
  return out;
}

double mean_of(const std::vector<double>& v, std::size_t from, std::size_t to) {
  double s = 0;
  for (std::size_t i = from; i < to; ++i) s += v[i];
  return s / static_cast<double>(to - from);
}

}  // namespace

TEST_CASE("cerebellum wrapper: its forward model's prediction error falls on Pavlovian", "[cerebellum][agent]") {
  // Pavlovian-v0 with a TD critic inside: the complete serial compound is predictable. (On ArmReach-v0
  // under the default random inner agent the error fell only from 0.88 to 0.77 per step over 60
  // trials: random torques fling the arm far outside the range its scales assume.)
  const auto pav = wrapper_errors("Pavlovian-v0", {}, {{"inner", "td-critic"}, {"inner.lambda", "0.9"}}, 100);
  INFO("Pavlovian-v0, inner td-critic: mean |prediction error| per step, first 5 episodes " << mean_of(pav, 0, 5)
                                                                                         << ", episodes 96-100 " << mean_of(pav, 95, 100));
  REQUIRE(mean_of(pav, 95, 100) < 0.5 * mean_of(pav, 0, 5));
}

TEST_CASE("cerebellum wrapper: bad inner agents and options are usage errors", "[cerebellum][agent]") {
  auto env = make_env("ArmReach-v0");
  const auto& o = env->observation_space();
  const auto& a = env->action_space();
  REQUIRE_THROWS_WITH(make_agent("cerebellum", o, a, {{"inner", "no-such-agent"}}), Catch::Contains("no-such-agent"));
  // the inner agent's observation keeps the env's slice names (with predicted_ and prediction_error_
  // copies), so an agent that reads ArmReach's slices acts inside the wrapper; without names it is refused
  auto wrapped = make_agent("cerebellum", o, a, {{"inner", "inverse-dynamics"}});
  REQUIRE(wrapped != nullptr);
  const Space bare = Space::box(o.low(), o.high(), o.shape());
  REQUIRE_THROWS_WITH(make_agent("cerebellum", bare, a, {{"inner", "inverse-dynamics"}}), Catch::Contains("'joint_angles'"));
  REQUIRE_THROWS_WITH(make_agent("cerebellum", o, a, {{"inner", "cerebellum"}}), Catch::Contains("cannot wrap itself"));
  REQUIRE_THROWS_WITH(make_agent("cerebellum", o, a, {{"inner.nope", "1"}}), Catch::Contains("nope"));
  REQUIRE_THROWS_WITH(make_agent("cerebellum", o, a, {{"rate", "5"}}), Catch::Contains("rate"));
}

TEST_CASE("cerebellar-reach measures the env's visual delay from the felt and seen movement onsets", "[cerebellum][agent]") {
  // the latency signal after two reaches equals the env's visual_delay_ms, plus the agent's own delay
  auto latency = [](const std::string& env_delay, const std::string& own) {
    auto env = make_env("ArmReach-v0", {{"schedule", "baseline:2"}, {"visual_delay_ms", env_delay}});
    auto agent = make_agent("cerebellar-reach", env->observation_space(), env->action_space(),
                            {{"feedback_delay_ms", own}}, 1);
    std::vector<float> obs;
    for (int trial = 0; trial < 2; ++trial) {
      auto r0 = env->reset(trial == 0 ? std::optional<std::uint64_t>(1) : std::nullopt);
      obs.assign(r0.obs.begin(), r0.obs.end());
      agent->begin_episode();
      for (;;) {
        auto r = env->step(agent->act(obs));
        obs.assign(r.obs.begin(), r.obs.end());
        agent->observe(r.reward, obs, r.terminated, r.truncated);
        if (r.terminated || r.truncated) break;
      }
    }
    return double(agent->introspect()[5].values[0]);
  };
  REQUIRE(latency("0", "0") == Approx(0.0).margin(1e-6));
  REQUIRE(latency("120", "0") == Approx(120.0).epsilon(1e-4));
  REQUIRE(latency("150", "0") == Approx(150.0).epsilon(1e-4));
  // the agent's own delay is not part of the env's latency it measures
  REQUIRE(latency("120", "50") == Approx(120.0).epsilon(1e-4));
}

TEST_CASE("cerebellar-reach with a 120 ms visual delay: learning off corrects little online and does not adapt",
          "[cerebellum][agent]") {
  // the control of the adaptation benchmark: the same delayed env (run_protocol sets 120 ms), learning off
  aa::Protocol p;
  p.perturbation = "rotation";
  p.schedule = "baseline:8,rotation:40";
  p.learning = false;
  const auto t = aa::run_protocol(p);
  const long long r = aa::phase_start(t, "rotation");
  auto x = [](const aa::Trial& tr) { return tr.adaptation; };
  const double online = aa::mean_over(t, r, r + 8, x), online_late = aa::mean_over(t, r + 32, r + 40, x);
  INFO("learning off: x (the online correction before peak speed) over rotated trials 1-8 " << online
                                                                                            << " deg, 33-40 " << online_late);
  REQUIRE(std::fabs(online) < 2.0);  // 0.7 deg on seeds 101-103 (benchmarks/results/arm_adaptation.md)
  REQUIRE(std::fabs(online_late - online) < 1.5);
}

TEST_CASE("cerebellar-reach with desired-state mossy input (Kawato's inverse-dynamics input) adapts to a curl field",
          "[cerebellum][agent]") {
  aa::Protocol p;
  p.perturbation = "curl";
  p.schedule = "baseline:16,curl:100,washout:16";
  p.agent_options = {{"mossy_input", "desired_state"}, {"fast_rate", "0.04"}, {"slow_rate", "0.006"}};
  const auto t = aa::run_protocol(p);
  const double first5 = error_in(t, "curl", 0, 0, 5), last5 = error_in(t, "curl", 0, 95, 5);
  const double after = error_in(t, "washout", 0, 0, 5);
  INFO("desired_state: error (deg) first 5 curl trials " << first5 << ", last 5 of 100 " << last5 << "; washout first 5 " << after);
  REQUIRE(first5 > 10.0);
  REQUIRE(last5 < 0.8 * first5);
  REQUIRE(after < -3.0);
  REQUIRE_THROWS_WITH(make_agent("cerebellar-reach", make_env("ArmReach-v0")->observation_space(),
                                 make_env("ArmReach-v0")->action_space(),
                                 {{"mossy_input", "desired_state"}, {"fan_in_state", "26"}}, 1),
                      Contains("fan_in_state") && Contains("n_state_units_per_axis"));
}
