#include "sgym/window.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "draw_sfml.hpp"

namespace sgym::render {

namespace {

// SFML aborts the process when it cannot open the display (a window opens it on construction)
void require_display() {
  const char* display = std::getenv("DISPLAY");
  if (display == nullptr || *display == '\0')
    throw std::runtime_error("no display for the window (DISPLAY is not set); record to a file instead with "
                             "`sgym record ... --out FILE.gif` (under `xvfb-run -a`)");
}

}  // namespace

struct WindowViewer::Impl {
  std::string title;
  int width;
  sf::RenderWindow window;
  double fps = 30;
  double speed = 1;
  bool paused = false;
  int steps_granted = 0;
  bool quit = false;
  sf::Clock clock;
  // the last frame, redrawn while paused (keeps the window responsive)
  DrawList scene;
  Overlay overlay;

  void open(const DrawList::Camera& camera, const Overlay& first) {
    const auto [w, h] = frame_size_with(camera, width, first);
    sf::ContextSettings settings;
    settings.antialiasingLevel = 4;
    window.create(sf::VideoMode(static_cast<unsigned>(w), static_cast<unsigned>(h)), title,
                  sf::Style::Default, settings);
    if (!window.isOpen()) throw std::runtime_error("cannot open a window on display " + std::string(std::getenv("DISPLAY")));
    window.setKeyRepeatEnabled(true);
  }

  void apply(WindowCommand c) {
    switch (c) {
      case WindowCommand::kTogglePause: paused = !paused; steps_granted = 0; break;
      case WindowCommand::kStep: if (paused) ++steps_granted; break;
      case WindowCommand::kFaster: speed = std::min(speed * 2.0, 64.0); break;
      case WindowCommand::kSlower: speed = std::max(speed / 2.0, 1.0 / 64.0); break;
      case WindowCommand::kQuit: quit = true; break;
    }
  }

  void poll() {
    sf::Event ev;
    while (window.pollEvent(ev)) {
      if (ev.type == sf::Event::Closed) apply(WindowCommand::kQuit);
      if (ev.type == sf::Event::Resized)
        window.setView(sf::View(sf::FloatRect(0, 0, static_cast<float>(ev.size.width), static_cast<float>(ev.size.height))));
      if (ev.type != sf::Event::KeyPressed) continue;
      switch (ev.key.code) {
        case sf::Keyboard::Space: case sf::Keyboard::P: apply(WindowCommand::kTogglePause); break;
        case sf::Keyboard::Right: case sf::Keyboard::N: apply(WindowCommand::kStep); break;
        case sf::Keyboard::Up: case sf::Keyboard::Add: case sf::Keyboard::Equal: apply(WindowCommand::kFaster); break;
        case sf::Keyboard::Down: case sf::Keyboard::Subtract: case sf::Keyboard::Hyphen: apply(WindowCommand::kSlower); break;
        case sf::Keyboard::Escape: case sf::Keyboard::Q: apply(WindowCommand::kQuit); break;
        default: break;
      }
    }
  }

  void draw() {
    Overlay ov = overlay;
    char buf[128];
    std::snprintf(buf, sizeof buf, "%s  %.3g steps/s   [space] pause  [right] step  [up/down] speed  [esc] quit",
                  paused ? "PAUSED" : "", fps * speed);
    ov.lines.push_back(buf);
    detail::draw_scene(window, scene, detail::bands_for(ov));
    detail::draw_overlay(window, ov);
    window.display();
  }
};

WindowViewer::WindowViewer(std::string title, int width) {
  if (width < 16) throw std::invalid_argument("window width must be >= 16 pixels");
  require_display();
  impl_ = std::make_unique<Impl>();
  impl_->title = std::move(title);
  impl_->width = width;
}

WindowViewer::~WindowViewer() = default;

void WindowViewer::set_fps(double fps) {
  if (fps > 0) impl_->fps = fps;
}

void WindowViewer::command(WindowCommand c) { impl_->apply(c); }
bool WindowViewer::paused() const { return impl_->paused; }
double WindowViewer::rate() const { return impl_->fps * impl_->speed; }

bool WindowViewer::show(const DrawList& scene, const Overlay& overlay) {
  Impl& m = *impl_;
  if (m.quit) return false;
  if (!m.window.isOpen()) {
    Overlay first = overlay;
    first.lines.emplace_back();  // the key help line
    m.open(scene.camera, first);
  }
  m.scene = scene;
  m.overlay = overlay;
  // paused: keep redrawing this frame until a single step, resume or quit
  for (;;) {
    m.poll();
    if (m.quit) break;
    m.draw();
    if (!m.paused) break;
    if (m.steps_granted > 0) { --m.steps_granted; break; }
    sf::sleep(sf::milliseconds(15));
  }
  if (m.quit) {
    m.window.close();
    return false;
  }
  // pace to the env's rate times the speed factor
  const sf::Time period = sf::seconds(static_cast<float>(1.0 / (m.fps * m.speed)));
  const sf::Time spent = m.clock.getElapsedTime();
  if (!m.paused && spent < period) sf::sleep(period - spent);
  m.clock.restart();
  return true;
}

std::unique_ptr<Viewer> make_window_viewer(const std::string& title, int width) {
  return std::make_unique<WindowViewer>(title, width);
}

}  // namespace sgym::render
