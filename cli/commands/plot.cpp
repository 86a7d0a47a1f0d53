// sgym plot DIR: figures (gnuplot) of a run or bench output directory (the drawing is cli/plot.cpp).
#include <iostream>

#include "commands.hpp"
#include "plot.hpp"
#include "experiment.hpp"
#include "sgym/envs.hpp"

namespace sgym::cli {

namespace {
struct PlotOptions {
  std::string dir, out, format = "png";
};
}  // namespace

void add_plot_command(CLI::App& app) {
  auto o = std::make_shared<PlotOptions>();
  auto* sub = app.add_subcommand("plot", "figures (gnuplot) of a run, bench or experiment output directory");
  sub->add_option("dir", o->dir, "output directory of sgym run, sgym bench or sgym experiment")->required();
  sub->add_option("--out", o->out, "where the figures go (default DIR/plots)");
  sub->add_option("--format", o->format, "png or svg")->check(CLI::IsMember({"png", "svg"}));
  on_chosen(*sub, [o](const std::string&) {
    const auto figures = plot::plot_dir(o->dir, o->out.empty() ? std::filesystem::path(o->dir) / "plots"
                                                                : std::filesystem::path(o->out),
                                        o->format, env_analyses, experiment::figures_of);
    for (const auto& f : figures) std::cout << f.string() << "\n";
    return 0;
  });
}

}  // namespace sgym::cli
