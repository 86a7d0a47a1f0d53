// Per-task analyses: the measures a task defines over its trials (accuracy against curve length,
// category tuning, adaptation per schedule trial, activity per session, ...) and the figure that
// shows them. An env's registry entry carries its own analyses, so the task's knowledge stays in its
// file: `sgym plot` draws every analysis of the run's env without knowing any env, and benchmarks
// compute the same tables in-process from the infos of the trial-ending steps.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sgym/info.hpp"
#include "sgym/options.hpp"

namespace sgym {

/// One finished trial as the analyses see it: the info of the step that ended it (the `info` of a
/// trials.jsonl record).
using TrialRecord = Info;

/// A per-trial table: x -> one value per named column (NaN where undefined). Rows are ordered by x.
struct TrialTable {
  std::vector<std::string> columns;
  std::map<double, std::vector<double>> rows;
};

/// One line of a figure: a column of the table, as its median over seeds (with the interquartile
/// band when there are several seeds and `band` is set).
struct FigureSeries {
  enum class Style {
    kLinesPoints,  ///< solid line, filled circles
    kDashed,       ///< dashed line, filled squares (a second measure of the same quantity)
    kSmallPoints,  ///< solid line, small filled circles (many trials)
    kOpenPoints,   ///< solid line, small open circles
    kSteps,        ///< dashed steps, no band (a schedule or other imposed quantity)
    kDotted,       ///< dotted line, no points, no band
  };
  std::size_t column = 0;  ///< index into TrialTable::columns
  std::string title;
  std::string color;  ///< "#rrggbb"
  Style style = Style::kLinesPoints;
  bool band = true;         ///< interquartile band over seeds (kSteps and kDotted never have one)
  bool right_axis = false;  ///< plotted against the right-hand y axis (FigureSpec::y2label)
};

/// A vertical dotted line at x, labelled near the bottom of the plot.
struct FigureMarker {
  double x = 0;
  std::string label;
};

/// A shaded stretch of x (e.g. one phase of a schedule), labelled at its start.
struct FigureSpan {
  double first = 0, last = 0;
  std::string label;
};

/// How an analysis's table is drawn. Titles may contain any character (drawn verbatim).
struct FigureSpec {
  std::string title;  ///< the plot appends ": <run or bench name>" and the seed count
  std::string xlabel, ylabel;
  std::string y2label;  ///< right-hand axis (series with right_axis); empty = none
  std::optional<std::array<double, 2>> xrange, yrange, y2range;
  double xtics = 0;                  ///< tick spacing on x; 0 = automatic
  std::string legend = "bottom left";  ///< legend position (words: top/bottom, left/right, outside, below)
  int width = 0, height = 0;         ///< pixels; 0 = the plot's default size
  bool unit_line = false;            ///< a dotted horizontal line at y = 1 (ratios to a reference)
  std::vector<FigureSeries> series;
  std::vector<FigureMarker> markers;
  std::vector<FigureSpan> spans;
};

/// A figure with its tables already made (one per seed or network), e.g. one of an experiment's.
struct TableFigure {
  std::string name;  ///< file stem
  FigureSpec spec;
  std::vector<TrialTable> seeds;
};

/// One analysis of a task.
struct TaskAnalysis {
  std::string name;         ///< figure and data file stem, e.g. "curve-length"
  std::string description;  ///< one line: what is measured against what
  /// The table of one run (one seed) from its trials, in order.
  std::function<TrialTable(const std::vector<TrialRecord>& trials)> table;
  /// The figure of one or more runs of this env (their trials, one vector per seed) made with
  /// these env options (as given to the run; absent options take their defaults).
  std::function<FigureSpec(const std::vector<std::vector<TrialRecord>>& runs, const KeyValues& env_options)> figure;
};

/// Counters shared by most accuracy tables: trials ended, correct, scored (correct, wrong, aborted,
/// timeout) and choices (correct or wrong) at one x.
struct OutcomeCounts {
  double trials = 0, correct = 0, scored = 0, choices = 0;
  /// Adds one trial of this outcome (the trial_outcome of its info).
  void add(std::string_view outcome);
  /// correct / scored and correct / choices (NaN without trials of that kind).
  double accuracy() const;
  double choice_accuracy() const;
};

/// The q-quantile of v by linear interpolation between order statistics (NumPy's default); NaN when v
/// is empty. The one implementation behind every median and interquartile range the project reports.
double quantile(std::vector<double> v, double q);

/// num / den, or NaN when den is not positive.
double ratio_or_nan(double num, double den);

/// The value of a numeric info key (an int or a double), or NaN when absent or of another type.
double info_number(const TrialRecord& trial, std::string_view key);

}  // namespace sgym
