#include "sgym/render_env.hpp"

#include <cstdio>

#include "sgym/env.hpp"
#include "sgym/error.hpp"

namespace sgym::render {

namespace {

// shows the wrapped env after every reset and step of the scheduled episodes
class RenderedEnv final : public Wrapper {
 public:
  RenderedEnv(std::unique_ptr<Env> inner, std::shared_ptr<Viewer> viewer, int every)
      : Wrapper(std::move(inner)), viewer_(std::move(viewer)), every_(every) {
    viewer_->set_fps(spec_.render_fps);
  }

 protected:
  ResetResult do_reset(std::optional<std::uint64_t> seed) override {
    ResetResult r = inner_->reset(seed);
    ++episode_;
    step_ = 0;
    return_ = 0;
    show(0.0);
    return r;
  }
  StepResult do_step(const Action& a) override {
    StepResult r = inner_->step(a);
    ++step_;
    return_ += r.reward;
    show(r.reward);
    return r;
  }

 private:
  void show(double reward) {
    if (episode_ % every_ != 0) return;
    scene_.clear();
    inner_->draw(scene_);
    if (viewer_->wants_overlay()) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "%s   episode %d   step %d   return %.3f   reward %.3f", spec_.id.c_str(),
                    episode_ + 1, step_, return_, reward);
      overlay_.lines.assign(1, buf);
    }
    if (!viewer_->show(scene_, overlay_)) throw ViewerClosed();
  }

  std::shared_ptr<Viewer> viewer_;
  int every_;
  int episode_ = -1;
  int step_ = 0;
  double return_ = 0;
  DrawList scene_;
  Overlay overlay_;
};

}  // namespace

EnvEntry rendering_entry(const EnvEntry& entry, std::shared_ptr<Viewer> viewer, int every) {
  if (every < 1) throw UsageError("--render-every must be >= 1, got " + std::to_string(every));
  EnvEntry e = entry;
  e.make = [inner = entry.make, viewer = std::move(viewer), every](const KeyValues& kv) -> std::unique_ptr<Env> {
    return std::make_unique<RenderedEnv>(inner(kv), viewer, every);
  };
  return e;
}

}  // namespace sgym::render
