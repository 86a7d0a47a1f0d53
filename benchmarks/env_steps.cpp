// sgym_env_steps: steps one env N times, the null action (0 or zeros) or actions drawn from its
// action space, resetting at each episode's end; prints steps/s. The bare loop behind the
// per-step instruction counts and steps/s of benchmarks/results/throughput.md (issue 17 item 2):
//
//   build/release/benchmarks/sgym_env_steps DelayMatchCategory-v0 2000000 null
//   valgrind --tool=callgrind build/release/benchmarks/sgym_env_steps DelayMatchCategory-v0 100000 random
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "sgym/envs.hpp"

int main(int argc, char** argv) {
  using namespace sgym;
  if (argc != 4 || (std::string(argv[3]) != "null" && std::string(argv[3]) != "random")) {
    std::fprintf(stderr, "usage: sgym_env_steps ENV_ID STEPS null|random\n");
    return 2;
  }
  try {
    const std::string id = argv[1];
    const long n = std::atol(argv[2]);
    if (n < 1) throw std::invalid_argument("STEPS must be a positive integer, got '" + std::string(argv[2]) + "'");
    const bool random = std::string(argv[3]) == "random";
    auto env = make_env(id);
    Rng rng(7);
    Action null = env->action_space().sample(rng);
    null.index = 0;
    for (auto& x : null.values) x = 0.0f;
    Action a = null;
    env->reset(1);
    double sum = 0.0;
    long resets = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < n; ++i) {
      if (random) env->action_space().sample_into(rng, a);
      const StepResult r = env->step(a);
      sum += r.reward;
      if (r.terminated || r.truncated) {
        env->reset();
        ++resets;
      }
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("%s %s: %ld steps, %ld resets, %.4g steps/s (reward sum %g)\n", id.c_str(), argv[3], n, resets, n / s, sum);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sgym_env_steps: %s\n", e.what());
    return 1;
  }
  return 0;
}
