// sgym experiment NAME | list | describe NAME: the published experiments (benchmarks/experiment.hpp),
// each run with one flag vocabulary and written to one output layout that sgym plot draws.
#include <iostream>
#include <thread>

#include "commands.hpp"
#include "common.hpp"
#include "experiment.hpp"
#include "sgym/error.hpp"

namespace sgym::cli {

namespace {

struct ExperimentOptions {
  std::string name, describe, out;
  bool quick = false;
  int jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::string seed = "1";
  std::vector<std::string> set;
};

void list_experiments(std::ostream& os) {
  for (const experiment::Entry& e : experiment::registry())
    os << e.name << "\n  " << e.description << "\n  reproduces: " << e.reproduces << "\n  results: " << e.results
              << "\n";
}

}  // namespace

void add_experiment_command(CLI::App& app) {
  auto o = std::make_shared<ExperimentOptions>();
  auto* sub = app.add_subcommand("experiment", "run a published experiment by name (sgym experiment list)");
  sub->add_option("name", o->name, "the experiment (see sgym experiment list)");
  sub->add_flag("--quick", o->quick, "the experiment's quick budget (a smoke-sized run, not the published one)");
  sub->add_option("--jobs", o->jobs, "worker threads (default: all cores); results do not depend on it")
      ->check(integer_in(1, kMaxJobs));
  sub->add_option("--out", o->out, "output directory (default runs/experiment/NAME, -quick with --quick); must not exist or be empty");
  sub->add_option("--seed", o->seed, "base seed: network i uses mix_seed(seed, i)")->check(seed_value());
  sub->add_option("--set", o->set, "parameter key=value (repeatable; sgym experiment describe NAME lists them)");
  auto* list = sub->add_subcommand("list", "the experiments, with the published result each reproduces");
  auto* describe = sub->add_subcommand("describe", "an experiment's parameters, defaults and quick values");
  describe->add_option("name", o->describe, "the experiment")->required();
  sub->require_subcommand(0, 1);
  on_chosen(*list, [](const std::string&) {
    list_experiments(std::cout);
    return 0;
  });
  on_chosen(*describe, [o](const std::string&) {
    const experiment::Entry& e = experiment::find(o->describe);
    std::cout << e.name << ": " << e.description << "\nreproduces: " << e.reproduces << "\nresults: " << e.results
              << "\n\nparameters (--set key=value):\n";
    print_options(e.params);
    std::cout << "\n--quick sets:";
    for (const auto& [k, v] : e.quick) std::cout << " " << k << "=" << v;
    std::cout << "\n";
    return 0;
  });
  on_chosen(*sub, [o](const std::string& command) {
    if (o->name.empty()) {
      std::cerr << "sgym experiment: name an experiment; the experiments are:\n";
      list_experiments(std::cerr);
      return 2;
    }
    experiment::Invocation inv;
    inv.name = o->name;
    inv.quick = o->quick;
    inv.jobs = o->jobs;
    inv.seed = parse_seed(o->seed, "--seed");
    inv.out = o->out;
    inv.set = key_values(o->set, "--set");
    inv.command = command;
    const auto dir = experiment::run(inv, std::cout);
    std::cerr << "sgym experiment: wrote " << dir.string();
    if (experiment::find(inv.name).figures) std::cerr << " (sgym plot " << dir.string() << " draws its figures)";
    std::cerr << "\n";
    return 0;
  });
}

}  // namespace sgym::cli
