#include "sgym/run_view.hpp"

#include <algorithm>
#include <cstdio>

#include "sgym/env.hpp"
#include "sgym/error.hpp"

namespace sgym::render {

namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

}  // namespace

std::string status_line(const std::string& env, const std::string& episode, int step, double ret, double reward) {
  return env + "   " + episode + "   step " + std::to_string(step) + "   return " + number(ret) + "   reward " + number(reward);
}

void check_signal_names(const std::vector<std::string>& requested, const std::vector<std::string>& valid,
                        const std::string& agent_id, const std::string& option) {
  for (const auto& s : requested)
    if (std::find(valid.begin(), valid.end(), s) == valid.end()) {
      std::string list;
      for (const auto& n : valid) list += (list.empty() ? "" : ", ") + n;
      throw UsageError(option + ": agent " + agent_id + " has no signal '" + s + "'; its signals: " +
                       (list.empty() ? "(none)" : list));
    }
}

SignalOverlay::SignalOverlay(std::vector<std::string> chosen) : names_(std::move(chosen)), resolved_(!names_.empty()) {}

void SignalOverlay::update(const Agent& agent, bool advance, Overlay& overlay) {
  const std::vector<Signal> sig = agent.introspect();
  if (!resolved_ && !sig.empty()) {
    // the default: the first scalar signals
    for (const auto& s : sig)
      if (s.values.size() == 1 && names_.size() < kDefaultOverlaySignals) names_.push_back(s.name);
    resolved_ = true;
  }
  if (scalar_.empty() && !names_.empty()) {
    // each signal's kind from its first report (a signal not reported yet counts as a vector)
    for (const auto& n : names_) {
      const auto it = std::find_if(sig.begin(), sig.end(), [&](const Signal& s) { return s.name == n; });
      scalar_.push_back(it != sig.end() && it->values.size() == 1);
    }
    history_.resize(names_.size());
    current_.resize(names_.size());
  }
  std::string line = agent.id() + (agent.training() ? " (learning)" : " (frozen)");
  std::string values;
  overlay.traces.clear();
  overlay.bars.clear();
  for (std::size_t k = 0; k < names_.size(); ++k) {
    const auto it = std::find_if(sig.begin(), sig.end(), [&](const Signal& s) { return s.name == names_[k]; });
    if (it != sig.end()) current_[k] = it->values;
    if (scalar_[k]) {
      if (advance && !current_[k].empty()) {
        history_[k].push_back(current_[k][0]);
        if (history_[k].size() > kTraceLength) history_[k].pop_front();
      }
      if (!current_[k].empty()) values += "   " + names_[k] + " " + number(current_[k][0]);
      overlay.traces.push_back({names_[k], std::vector<float>(history_[k].begin(), history_[k].end())});
    } else {
      overlay.bars.push_back({names_[k], current_[k]});
    }
  }
  overlay.lines.push_back(line + (values.empty() ? "" : ":" + values));
}

StepObserver run_observer(std::shared_ptr<Viewer> viewer, const RunViewConfig& config,
                          const std::vector<std::string>& agent_signal_names, const std::string& agent_id) {
  if (config.every < 1) throw UsageError("--render-every must be >= 1, got " + std::to_string(config.every));
  check_signal_names(config.signals, agent_signal_names, agent_id, "--overlay-signals");
  // the observer's state lives as long as the run holds the observer
  struct State {
    std::shared_ptr<Viewer> viewer;
    RunViewConfig cfg;
    SignalOverlay signals;
    DrawList scene;
    Overlay overlay;
    double ret = 0;
    bool fps_set = false;
  };
  auto st = std::make_shared<State>(State{std::move(viewer), config, SignalOverlay(config.signals), {}, {}, 0.0, false});
  return [st](const StepView& v) {
    if (!st->fps_set) {
      st->viewer->set_fps(v.env.spec().render_fps);
      st->fps_set = true;
    }
    st->ret = v.step == 0 ? 0.0 : st->ret + v.result.reward;
    if (v.episode % st->cfg.every != 0) return true;
    st->scene.clear();
    v.env.draw(st->scene);
    if (st->viewer->wants_overlay()) {
      const std::string episode = v.training ? "episode " + std::to_string(v.episode + 1) + "/" + std::to_string(st->cfg.episodes)
                                             : "evaluation episode " + std::to_string(v.episode + 1);
      st->overlay.lines.assign(1, status_line(v.env.spec().id, episode, v.step, st->ret, v.result.reward));
      st->signals.update(v.agent, v.step > 0, st->overlay);
    }
    return st->viewer->show(st->scene, st->overlay);
  };
}

}  // namespace sgym::render
