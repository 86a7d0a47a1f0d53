// `sgym plot`: figures of run and bench outputs, drawn by gnuplot (Debian's gnuplot-nox). For each
// figure the data (.dat) and the gnuplot script (.gp) are kept next to the picture, so a figure
// can be restyled by editing its script and running `gnuplot NAME.gp`.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "sgym/analysis.hpp"

namespace sgym::plot {

/// Median and interquartile range of each column over rows (NaN entries skipped; a column with
/// no value gives NaN).
struct Band {
  std::vector<double> median, q25, q75;
  std::vector<int> n;  ///< values per column
};

/// Per-column median and quartiles (linear interpolation between order statistics) of `rows`,
/// which may differ in length.
Band band(const std::vector<std::vector<double>>& rows);

/// Trailing moving average over `window` values (the first values average what exists so far).
std::vector<double> moving_average(const std::vector<double>& v, int window);

/// The analyses of the env with this id (EnvEntry::analyses); empty for an unknown id.
using AnalysesOf = std::function<std::vector<TaskAnalysis>(const std::string& env_id)>;

/// The figures of an experiment output directory (experiment.json), made by the experiment itself.
using ExperimentFigures = std::function<std::vector<TableFigure>(const std::filesystem::path& dir)>;

/// Writes the figures of `dir` to `out` in `format` ("png" or "svg") and returns their paths.
/// A run directory (episodes.csv) gives the learning curve, the accuracy curve when trials were
/// scored, and for each recorded signal (signals.csv) its time course within an episode at
/// several points of training (the Pavlovian RPE figure) and a map over episodes x steps. A bench
/// directory (runs/NAME/seed-S/) gives, per run, the median learning curve over seeds with its
/// interquartile band, and the signal figures of its first seed. Each run's env also gets the
/// figures of its own analyses (`analyses_of`, looked up by the env id in summary.json). An experiment
/// directory (experiment.json, from sgym experiment) gives the experiment's figures (`experiment_figures`).
/// Throws UsageError for a directory that holds none of these, std::runtime_error when gnuplot is missing or fails.
std::vector<std::filesystem::path> plot_dir(const std::filesystem::path& dir, const std::filesystem::path& out,
                                            const std::string& format, const AnalysesOf& analyses_of = {},
                                            const ExperimentFigures& experiment_figures = {});

}  // namespace sgym::plot
