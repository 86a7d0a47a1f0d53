// sgym._core: the C++ envs, vector envs, agents and runner seen from Python. The Python package
// (python/sgym) builds the Gymnasium classes on top; everything here works on numpy arrays and
// plain Python values, and every C++ error type maps to a Python exception that keeps its message.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "raster.hpp"
#include "bench.hpp"
#include "sgym/agents.hpp"
#include "sgym/envs.hpp"
#include "sgym/error.hpp"
#include "sgym/runner.hpp"
#include "sgym/vector_env.hpp"

namespace py = pybind11;
using namespace sgym;

namespace {

// ---- values across the boundary ----

// a 1-d array of n elements of numpy dtype `dt`
py::array vec_array(const char* dt, py::ssize_t n) {
  return py::array(py::dtype(dt), std::vector<py::ssize_t>{n}, std::vector<py::ssize_t>{});
}

py::dict space_to_py(const Space& s) {
  py::dict d;
  if (s.is_discrete()) {
    d["kind"] = "discrete";
    d["n"] = s.n();
  } else {
    d["kind"] = "box";
    std::vector<py::ssize_t> shape(s.shape().begin(), s.shape().end());
    py::array_t<float> low(shape), high(shape);
    std::memcpy(low.mutable_data(), s.low().data(), s.low().size() * sizeof(float));
    std::memcpy(high.mutable_data(), s.high().data(), s.high().size() * sizeof(float));
    d["low"] = low;
    d["high"] = high;
    d["shape"] = py::tuple(py::cast(s.shape()));
    if (!s.slices().empty()) {  // the env's named slices, for agents that look them up by name
      py::list slices;
      for (const ObsSlice& x : s.slices()) slices.append(py::make_tuple(x.name, x.offset, x.size, x.meaning));
      d["slices"] = slices;
    }
  }
  return d;
}

Space space_from_py(const py::dict& d) {
  const std::string kind = d["kind"].cast<std::string>();
  if (kind == "discrete") return Space::discrete(d["n"].cast<std::int64_t>());
  auto low = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(d["low"]);
  auto high = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(d["high"]);
  auto shape = d["shape"].cast<std::vector<std::int64_t>>();
  Space box = Space::box(std::vector<float>(low.data(), low.data() + low.size()),
                         std::vector<float>(high.data(), high.data() + high.size()), shape);
  if (!d.contains("slices")) return box;
  std::vector<ObsSlice> slices;
  for (const auto& x : d["slices"].cast<py::list>()) {
    const auto t = x.cast<py::tuple>();
    slices.push_back({t[0].cast<std::string>(), t[1].cast<std::size_t>(), t[2].cast<std::size_t>(),
                      t.size() > 3 ? t[3].cast<std::string>() : std::string()});
  }
  try {
    return box.with_slices(std::move(slices));
  } catch (const std::invalid_argument& e) {
    throw py::value_error(std::string("observation slices: ") + e.what());
  }
}

py::object info_value(const InfoValue& v) {
  return std::visit(
      [](const auto& x) -> py::object {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::vector<float>>) {
          py::array_t<float> a(static_cast<py::ssize_t>(x.size()));
          if (!x.empty()) std::memcpy(a.mutable_data(), x.data(), x.size() * sizeof(float));
          return a;
        } else {
          return py::cast(x);
        }
      },
      v);
}

py::dict info_to_py(const Info& info) {
  py::dict d;
  for (const auto& [k, v] : info.items()) d[py::str(k)] = info_value(v);
  return d;
}

py::array_t<float> obs_to_py(std::span<const float> obs, const Space& s) {
  std::vector<py::ssize_t> shape;
  if (s.is_box()) shape.assign(s.shape().begin(), s.shape().end());
  else shape = {1};
  py::array_t<float> a(shape);
  std::memcpy(a.mutable_data(), obs.data(), obs.size() * sizeof(float));
  return a;
}

std::string shape_text(const py::array& a) {
  std::string s = "(";
  for (py::ssize_t i = 0; i < a.ndim(); ++i) s += std::to_string(a.shape(i)) + (a.ndim() == 1 || i + 1 < a.ndim() ? "," : "");
  return s + ")";
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += std::to_string(shape[i]) + (shape.size() == 1 || i + 1 < shape.size() ? "," : "");
  return s + ")";
}

// a Discrete action: a Python int, a numpy integer or a 0-d integer array (bool and float refused)
std::int64_t discrete_index(const py::handle& a, const std::string& owner, const Space& s) {
  if (PyLong_Check(a.ptr()) && !PyBool_Check(a.ptr())) {
    int overflow = 0;
    const long long v = PyLong_AsLongLongAndOverflow(a.ptr(), &overflow);
    if (overflow != 0)
      throw py::value_error(owner + ": action " + py::repr(a).cast<std::string>() + " is outside " + s.describe());
    return v;
  }
  py::array arr = py::array::ensure(a);
  if (!arr || arr.ndim() != 0 || (arr.dtype().kind() != 'i' && arr.dtype().kind() != 'u'))
    throw py::type_error(owner + ": the action for " + s.describe() + " must be an integer (int or numpy integer), got " +
                         py::str(py::type::of(a)).cast<std::string>() + " " + py::repr(a).cast<std::string>());
  return py::reinterpret_borrow<py::object>(a).cast<std::int64_t>();
}

// a Box action: a real floating array of the space's shape (float32 or float64, read as float32)
void box_values(const py::handle& a, const std::string& owner, const Space& s, std::vector<float>& out,
                const std::vector<std::int64_t>& shape) {
  py::array arr = py::array::ensure(a);
  if (!arr) throw py::type_error(owner + ": the action for " + s.describe() + " must be an array of floats");
  if (arr.dtype().kind() != 'f')
    throw py::type_error(owner + ": the action for " + s.describe() + " must be a float array (float32 or float64), got dtype " +
                         py::str(arr.dtype()).cast<std::string>());
  bool same = arr.ndim() == static_cast<py::ssize_t>(shape.size());
  for (std::size_t i = 0; same && i < shape.size(); ++i) same = arr.shape(static_cast<py::ssize_t>(i)) == shape[i];
  if (!same)
    throw py::value_error(owner + ": the action must have shape " + shape_text(shape) + " for " + s.describe() +
                          ", got shape " + shape_text(arr));
  auto f = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(arr);
  out.assign(f.data(), f.data() + f.size());
}

void to_action(const py::handle& a, const std::string& owner, const Space& s, Action& out) {
  if (s.is_discrete()) {
    out.index = discrete_index(a, owner, s);
    out.values.clear();
  } else {
    box_values(a, owner, s, out.values, s.shape());
  }
}

py::object action_to_py(const Action& a, const Space& s) {
  if (s.is_discrete()) return py::int_(a.index);
  std::vector<py::ssize_t> shape(s.shape().begin(), s.shape().end());
  py::array_t<float> arr(shape);
  std::memcpy(arr.mutable_data(), a.values.data(), a.values.size() * sizeof(float));
  return arr;
}

// an observation handed to a C++ agent: any float array with the space's number of elements
std::vector<float> obs_from_py(const py::handle& o, const std::string& owner, const Space& s) {
  py::array arr = py::array::ensure(o);
  if (!arr || (arr.dtype().kind() != 'f' && arr.dtype().kind() != 'i' && arr.dtype().kind() != 'u'))
    throw py::type_error(owner + ": the observation must be a numeric array for " + s.describe());
  auto f = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(arr);
  if (static_cast<std::size_t>(f.size()) != s.flat_size())
    throw py::value_error(owner + ": the observation must have " + std::to_string(s.flat_size()) + " elements for " +
                          s.describe() + ", got shape " + shape_text(arr));
  return std::vector<float>(f.data(), f.data() + f.size());
}

py::dict spec_to_py(const EnvSpec& s) {
  py::dict d;
  d["id"] = s.id;
  d["max_episode_steps"] = s.max_episode_steps;
  d["dt_ms"] = s.dt_ms;
  d["reward_min"] = s.reward_min;
  d["reward_max"] = s.reward_max;
  d["render_fps"] = s.render_fps;
  d["deterministic"] = s.deterministic;
  d["trial_based"] = s.trial_based;
  d["epochs"] = s.epochs;
  d["source"] = s.source;
  py::list layout;
  for (const auto& sl : s.obs_layout) layout.append(py::make_tuple(sl.name, sl.offset, sl.size, sl.meaning));
  d["obs_layout"] = layout;
  return d;
}

py::list option_docs(const std::vector<OptionDoc>& docs) {
  py::list l;
  for (const auto& o : docs) {
    py::dict d;
    d["key"] = o.key;
    d["type"] = o.type;
    d["default"] = o.default_value;
    d["unit"] = o.unit;
    d["valid"] = o.valid;
    d["doc"] = o.doc;
    d["deprecated_names"] = o.deprecated_names;
    l.append(d);
  }
  return l;
}

py::array_t<std::uint8_t> render_frame(const Env& env, int width) {
  DrawList dl;
  env.draw(dl);
  const auto [w, h] = raster::frame_size(dl.camera, width);
  std::vector<std::uint8_t> rgb;
  raster::draw(dl, w, h, rgb);
  py::array_t<std::uint8_t> out({h, w, 3});
  std::memcpy(out.mutable_data(), rgb.data(), rgb.size());
  return out;
}

// ---- a single env ----

class PyEnv {
 public:
  PyEnv(const std::string& id, const KeyValues& options, bool time_limit)
      : env_(sgym::make_env(id, options, time_limit)) {}

  py::tuple reset(std::optional<std::uint64_t> seed) {
    const ResetResult r = env_->reset(seed);
    return py::make_tuple(obs_to_py(r.obs, env_->observation_space()), info_to_py(r.info));
  }

  py::tuple step(const py::handle& action) {
    to_action(action, env_->spec().id, env_->action_space(), action_);
    const StepResult r = env_->step(action_);
    return py::make_tuple(obs_to_py(r.obs, env_->observation_space()), r.reward, r.terminated, r.truncated,
                          info_to_py(r.info));
  }

  const Env& env() const { return *env_; }

 private:
  std::unique_ptr<Env> env_;
  Action action_;
};

// ---- a batch of envs stepped into preallocated numpy arrays ----

class PyVectorEnv {
 public:
  PyVectorEnv(const std::string& id, const KeyValues& options, int num_envs, bool same_step, int threads, bool string_info)
      : string_info_(string_info) {
    if (num_envs < 1) throw UsageError("num_envs must be >= 1, got " + std::to_string(num_envs));
    if (threads < 1) throw UsageError("num_threads must be >= 1, got " + std::to_string(threads));
    const EnvEntry& entry = env_entry(id);
    // current option names, here in the calling thread: a deprecated name warns once, holding the
    // GIL, and never from the worker threads that build the envs
    const KeyValues current = canonical_options(entry.id, entry.options, options);
    sgym::make_env(entry, current);  // bad options fail here, once, with the option's name
    vec_ = std::make_unique<VectorEnv>([&] { return sgym::make_env(entry, current); }, num_envs,
                                       same_step ? VectorEnv::Autoreset::kSameStep : VectorEnv::Autoreset::kNextStep,
                                       threads);
    const Space& os = vec_->single_observation_space();
    std::vector<py::ssize_t> shape = {num_envs};
    if (os.is_box()) shape.insert(shape.end(), os.shape().begin(), os.shape().end());
    else shape.push_back(1);
    obs_ = py::array_t<float>(shape);
    if (same_step) final_obs_ = py::array_t<float>(shape);
    rewards_ = py::array_t<double>(num_envs);
    terminated_ = vec_array("bool", num_envs);
    truncated_ = vec_array("bool", num_envs);
    actions_.resize(static_cast<std::size_t>(num_envs));
    const Space& as = vec_->single_action_space();
    act_shape_ = {num_envs};
    if (as.is_box()) {
      act_shape_.insert(act_shape_.end(), as.shape().begin(), as.shape().end());
      for (auto& a : actions_) a.values.resize(as.flat_size());
    }
  }

  VectorBuffers buffers() {
    VectorBuffers b;
    const auto n = static_cast<std::size_t>(vec_->num_envs());
    b.obs = {obs_.mutable_data(), n * vec_->obs_size()};
    b.rewards = {rewards_.mutable_data(), n};
    b.terminated = {static_cast<std::uint8_t*>(terminated_.mutable_data()), n};
    b.truncated = {static_cast<std::uint8_t*>(truncated_.mutable_data()), n};
    if (final_obs_) b.final_obs = {final_obs_->mutable_data(), n * vec_->obs_size()};
    return b;
  }

  void reset(std::uint64_t seed) {
    const VectorBuffers b = buffers();
    {
      py::gil_scoped_release release;
      vec_->reset(seed, b);
    }
    collect_info(nullptr);
  }

  void step(const py::handle& actions) {
    const Space& as = vec_->single_action_space();
    const std::string owner = vec_->member(0).spec().id + " (vector of " + std::to_string(vec_->num_envs()) + ")";
    py::array arr = py::array::ensure(actions);
    if (!arr) throw py::type_error(owner + ": actions must be a numpy array of shape " + shape_text(act_shape_));
    bool same = arr.ndim() == static_cast<py::ssize_t>(act_shape_.size());
    for (std::size_t i = 0; same && i < act_shape_.size(); ++i) same = arr.shape(static_cast<py::ssize_t>(i)) == act_shape_[i];
    if (!same)
      throw py::value_error(owner + ": actions must have shape " + shape_text(act_shape_) + " (num_envs x " + as.describe() +
                            "), got shape " + shape_text(arr));
    if (as.is_discrete()) {
      if (arr.dtype().kind() != 'i' && arr.dtype().kind() != 'u')
        throw py::type_error(owner + ": actions for " + as.describe() + " must be an integer array, got dtype " +
                             py::str(arr.dtype()).cast<std::string>());
      auto ia = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>::ensure(arr);
      for (std::size_t i = 0; i < actions_.size(); ++i) actions_[i].index = ia.data()[i];
    } else {
      if (arr.dtype().kind() != 'f')
        throw py::type_error(owner + ": actions for " + as.describe() + " must be a float array (float32 or float64), got dtype " +
                             py::str(arr.dtype()).cast<std::string>());
      auto fa = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(arr);
      const std::size_t k = as.flat_size();
      for (std::size_t i = 0; i < actions_.size(); ++i) std::memcpy(actions_[i].values.data(), fa.data() + i * k, k * sizeof(float));
    }
    const VectorBuffers b = buffers();
    {
      py::gil_scoped_release release;
      vec_->step(actions_, b);
    }
    collect_info(&b);
  }

  // numeric info keys become one array each (with Gymnasium's "_key" mask); strings and vectors
  // only with string_info (they cost a Python object per member)
  void collect_info(const VectorBuffers* b) {
    const auto n = static_cast<py::ssize_t>(vec_->num_envs());
    for (auto& [k, col] : columns_) std::memset(col.mask.mutable_data(), 0, static_cast<std::size_t>(n));
    for (py::ssize_t i = 0; i < n; ++i) {
      for (const auto& [key, v] : vec_->info(static_cast<int>(i)).items()) {
        const bool is_num = std::holds_alternative<bool>(v) || std::holds_alternative<std::int64_t>(v) ||
                            std::holds_alternative<double>(v);
        if (!is_num && !string_info_) continue;
        auto it = columns_.find(key);
        if (it == columns_.end()) {
          Column c;
          if (std::holds_alternative<bool>(v)) c.data = vec_array("bool", n);
          else if (std::holds_alternative<std::int64_t>(v)) c.data = vec_array("int64", n);
          else if (std::holds_alternative<double>(v)) c.data = vec_array("float64", n);
          else c.data = vec_array("object", n);
          std::memset(c.data.mutable_data(), 0, static_cast<std::size_t>(c.data.nbytes()));
          if (c.data.dtype().kind() == 'O')
            for (py::ssize_t j = 0; j < n; ++j) c.data.attr("__setitem__")(j, py::none());
          c.mask = vec_array("bool", n);
          std::memset(c.mask.mutable_data(), 0, static_cast<std::size_t>(n));
          it = columns_.emplace(key, std::move(c)).first;
        }
        Column& c = it->second;
        static_cast<bool*>(c.mask.mutable_data())[i] = true;
        const char kind = c.data.dtype().kind();
        if (kind == 'b' && std::holds_alternative<bool>(v)) static_cast<bool*>(c.data.mutable_data())[i] = std::get<bool>(v);
        else if (kind == 'i' && std::holds_alternative<std::int64_t>(v))
          static_cast<std::int64_t*>(c.data.mutable_data())[i] = std::get<std::int64_t>(v);
        else if (kind == 'f' && is_num)
          static_cast<double*>(c.data.mutable_data())[i] = std::holds_alternative<double>(v) ? std::get<double>(v)
                                                            : std::holds_alternative<std::int64_t>(v)
                                                                ? static_cast<double>(std::get<std::int64_t>(v))
                                                                : static_cast<double>(std::get<bool>(v));
        else if (kind == 'O') c.data.attr("__setitem__")(i, info_value(v));
        else throw std::runtime_error("info key '" + key + "' changed type between members or steps");
      }
    }
    if (b != nullptr && final_obs_) {
      auto it = columns_.find("final_obs");
      if (it == columns_.end()) it = columns_.emplace("final_obs", Column{*final_obs_, vec_array("bool", n)}).first;
      Column& c = it->second;
      for (py::ssize_t i = 0; i < n; ++i)
        static_cast<bool*>(c.mask.mutable_data())[i] = b->terminated[static_cast<std::size_t>(i)] || b->truncated[static_cast<std::size_t>(i)];
    }
  }

  py::dict info(bool copy) const {
    py::dict d;
    for (const auto& [k, c] : columns_) {
      bool any = false;
      for (py::ssize_t i = 0; i < c.mask.size() && !any; ++i) any = static_cast<const bool*>(c.mask.data())[i];
      if (!any) continue;
      d[py::str(k)] = copy ? c.data.attr("copy")() : py::object(c.data);
      d[py::str("_" + k)] = copy ? c.mask.attr("copy")() : py::object(c.mask);
    }
    return d;
  }

  py::tuple arrays() const {
    return py::make_tuple(obs_, rewards_, terminated_, truncated_);
  }
  const VectorEnv& vec() const { return *vec_; }

 private:
  struct Column { py::array data, mask; };
  std::unique_ptr<VectorEnv> vec_;
  py::array_t<float> obs_;
  std::optional<py::array_t<float>> final_obs_;
  py::array_t<double> rewards_;
  py::array terminated_, truncated_;
  std::vector<Action> actions_;
  std::vector<std::int64_t> act_shape_;
  std::map<std::string, Column> columns_;
  bool string_info_;
};

// ---- a built-in C++ agent ----

class PyAgent {
 public:
  PyAgent(const std::string& id, const Space& obs, const Space& act, const KeyValues& options, std::uint64_t seed)
      : agent_(sgym::make_agent(id, obs, act, options, seed)) {}
  py::object act(const py::handle& obs) {
    const auto o = obs_from_py(obs, agent_->id(), agent_->observation_space());
    return action_to_py(agent_->act(o), agent_->action_space());
  }
  void observe(double reward, const py::handle& next_obs, bool terminated, bool truncated) {
    if (!std::isfinite(reward)) throw py::value_error(agent_->id() + ": reward must be finite, got " + std::to_string(reward));
    const auto o = obs_from_py(next_obs, agent_->id(), agent_->observation_space());
    agent_->observe(reward, o, terminated, truncated);
  }
  py::dict introspect() const {
    py::dict d;
    for (const auto& s : agent_->introspect()) {
      py::array_t<float> a(static_cast<py::ssize_t>(s.values.size()));
      if (!s.values.empty()) std::memcpy(a.mutable_data(), s.values.data(), s.values.size() * sizeof(float));
      d[py::str(s.name)] = a;
    }
    return d;
  }
  Agent& agent() { return *agent_; }

 private:
  std::unique_ptr<Agent> agent_;
};

// ---- a Python agent seen by the C++ runner ----

class PythonAgent : public Agent {
 public:
  PythonAgent(const std::string& id, const Space& obs, const Space& act, std::uint64_t seed, py::object obj)
      : Agent(id, obs, act, seed), obj_(std::move(obj)) {}
  ~PythonAgent() override {
    py::gil_scoped_acquire gil;
    obj_ = py::object();
  }

  void begin_episode() override { call_if("begin_episode"); }
  void end_episode() override { call_if("end_episode"); }
  // the outcome crosses as a std::string: pybind11 makes the Python str inside call_if, under the GIL
  // (a py::str made here, on a bench worker thread without the GIL, raced the interpreter's allocator)
  void trial_ended(std::string_view outcome) override { call_if("trial_ended", std::string(outcome)); }

  const Action& act(std::span<const float> obs) override {
    py::gil_scoped_acquire gil;
    obj_.attr("training") = training();
    py::object a = obj_.attr("act")(obs_to_py(obs, obs_space_));
    to_action(a, id() + ".act()", act_space_, action_);
    return action_;
  }
  void observe(double reward, std::span<const float> next_obs, bool terminated, bool truncated) override {
    py::gil_scoped_acquire gil;
    obj_.attr("training") = training();
    obj_.attr("observe")(reward, obs_to_py(next_obs, obs_space_), terminated, truncated);
  }
  std::vector<Signal> introspect() const override {
    py::gil_scoped_acquire gil;
    std::vector<Signal> out;
    if (!py::hasattr(obj_, "introspect")) return out;
    py::dict d = obj_.attr("introspect")();
    for (auto [k, v] : d) {
      auto a = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(v);
      if (!a) throw py::type_error(id() + ".introspect(): signal '" + py::str(k).cast<std::string>() + "' is not numeric");
      out.push_back({py::str(k).cast<std::string>(), std::vector<float>(a.data(), a.data() + a.size())});
    }
    return out;
  }
  std::vector<std::string> signal_names() const override {
    py::gil_scoped_acquire gil;
    if (!py::hasattr(obj_, "signal_names")) return {};
    return obj_.attr("signal_names")().cast<std::vector<std::string>>();
  }

 protected:
  // the Python object itself, pickled
  void save_state(StateWriter& w) const override {
    py::gil_scoped_acquire gil;
    py::bytes b = py::module_::import("pickle").attr("dumps")(obj_);
    w.str(std::string(b));
  }
  void load_state(StateReader& r) override {
    const std::string bytes = r.str();
    py::gil_scoped_acquire gil;
    try {
      obj_ = py::module_::import("pickle").attr("loads")(py::bytes(bytes));
    } catch (py::error_already_set& e) {
      throw FileFormatError(id() + ": cannot unpickle the agent: " + std::string(e.what()));
    }
  }

 private:
  template <class... A>
  void call_if(const char* name, A&&... args) {
    py::gil_scoped_acquire gil;
    if (py::hasattr(obj_, name)) obj_.attr(name)(std::forward<A>(args)...);
  }
  py::object obj_;
  Action action_;
};

// registers "py:module:Class" (once per process) with a Python factory that builds its agents
void register_python_agent(const std::string& id, const py::object& py_factory) {
  for (const auto& a : agent_registry())
    if (a.id == id) return;
  // the registry lives until the process exits, after the interpreter: it keeps a handle (never
  // released) instead of an object whose destructor would need the interpreter
  const py::handle factory = py_factory.inc_ref();
  AgentEntry a;
  a.id = id;
  a.description = "Python agent " + id;
  a.spaces = "whatever the Python class accepts";
  a.incompatibility = [factory](const Space& obs, const Space& act) -> std::string {
    py::gil_scoped_acquire gil;
    return factory.attr("incompatibility")(space_to_py(obs), space_to_py(act)).cast<std::string>();
  };
  a.make = [factory, id](const Space& obs, const Space& act, const KeyValues& kv,
                         std::uint64_t seed) -> std::unique_ptr<Agent> {
    py::gil_scoped_acquire gil;
    py::object obj = factory(space_to_py(obs), space_to_py(act), kv, seed);
    return std::make_unique<PythonAgent>(id, obs, act, seed, obj);
  };
  register_agent(std::move(a));
}

RunSummary run_py(const py::dict& c) {
  RunConfig cfg;
  cfg.env_id = c["env"].cast<std::string>();
  cfg.env_options = c["env_options"].cast<KeyValues>();
  cfg.agent_id = c["agent"].cast<std::string>();
  cfg.agent_options = c["agent_options"].cast<KeyValues>();
  cfg.episodes = c["episodes"].cast<int>();
  cfg.seed = c["seed"].cast<std::uint64_t>();
  cfg.out_dir = c["out"].cast<std::string>();
  cfg.eval_every = c["eval_every"].cast<int>();
  cfg.eval_episodes = c["eval_episodes"].cast<int>();
  cfg.obs_noise_sd = c["obs_noise"].cast<double>();
  cfg.obs_delay_steps = c["obs_delay"].cast<int>();
  cfg.record = c["record"].cast<std::vector<std::string>>();
  if (!c["criterion"].is_none()) cfg.criterion = Criterion::parse(c["criterion"].cast<std::string>());
  cfg.command = c["command"].cast<std::string>();
  cfg.resume = c["resume"].cast<bool>();
  cfg.overwrite = c["overwrite"].cast<bool>();
  if (cfg.episodes < 1) throw UsageError("episodes must be >= 1, got " + std::to_string(cfg.episodes));
  return sgym::run(cfg, env_entry(cfg.env_id), agent_entry(cfg.agent_id));
}

// `sgym bench` on a suite whose agents may be Python ones (registered first); the runs go on the
// bench's threads with the GIL released, each Python call taking it back
int bench_py(const std::string& suite_path, const std::string& out, bool quick, int jobs, bool resume,
             const std::string& shard, const std::string& command) {
  const bench::Suite suite = bench::load_suite(suite_path, quick ? "quick" : "full");
  bench::BenchOptions o;
  o.out_dir = out;
  o.jobs = jobs;
  o.resume = resume;
  std::tie(o.shard_index, o.shard_count) = bench::parse_shard(shard);
  o.command = command;
  py::gil_scoped_release release;
  return bench::run_suite(suite, o);
}

py::dict summary_to_py(const RunSummary& s) {
  py::dict d;
  d["env"] = s.env;
  d["agent"] = s.agent;
  d["seed"] = s.seed;
  d["episodes"] = s.episodes;
  d["episodes_completed"] = s.episodes_completed;
  d["total_steps"] = s.total_steps;
  d["total_trials"] = s.total_trials;
  d["mean_return"] = s.mean_return;
  d["final_mean_return"] = s.final_mean_return;
  d["success_rate"] = s.success_rate ? py::cast(*s.success_rate) : py::none();
  d["final_success_rate"] = s.final_success_rate ? py::cast(*s.final_success_rate) : py::none();
  d["trials_to_criterion"] = s.trials_to_criterion ? py::cast(*s.trials_to_criterion) : py::none();
  d["wall_seconds"] = s.wall_seconds;
  return d;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "Synaptic Gym's C++ core (envs, vector envs, agents, runner); use the sgym package on top of it";
  // C++ error types keep their messages; a bad option or action is a ValueError
  static py::exception<UsageError> usage(m, "UsageError", PyExc_ValueError);
  static py::exception<InvalidAction> invalid(m, "InvalidAction", PyExc_ValueError);
  static py::exception<ResetNeeded> reset_needed(m, "ResetNeeded", PyExc_RuntimeError);
  static py::exception<FileFormatError> file_format(m, "FileFormatError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const UsageError& e) {
      py::set_error(usage, e.what());
    } catch (const InvalidAction& e) {
      py::set_error(invalid, e.what());
    } catch (const ResetNeeded& e) {
      py::set_error(reset_needed, e.what());
    } catch (const FileFormatError& e) {
      py::set_error(file_format, e.what());
    }
  });

  m.def("env_ids", [] {
    std::vector<std::string> ids;
    for (const auto& e : env_registry()) ids.push_back(e.id);
    return ids;
  });
  m.def("env_doc", [](const std::string& id) {
    const EnvEntry& e = env_entry(id);
    py::dict d;
    d["id"] = e.id;
    d["description"] = e.description;
    d["source"] = e.source;
    d["options"] = option_docs(e.options);
    py::dict rollout;
    rollout["options"] = py::dict();
    for (const auto& [key, value] : e.seed_rollout.options) rollout["options"][py::str(key)] = value;
    rollout["steps"] = e.seed_rollout.steps;
    d["seed_rollout"] = rollout;
    return d;
  });
  m.def("agent_ids", [] {
    std::vector<std::string> ids;
    for (const auto& a : agent_registry()) ids.push_back(a.id);
    return ids;
  });
  m.def("agent_doc", [](const std::string& id) {
    const AgentEntry& a = agent_entry(id);
    py::dict d;
    d["id"] = a.id;
    d["description"] = a.description;
    d["spaces"] = a.spaces;
    d["options"] = option_docs(a.options);
    d["envs"] = a.envs;
    d["allocates_per_act"] = a.allocates_per_act;
    return d;
  });
  m.def("build_version", &build_version);
  // deprecation messages (an option given under its former name) go to a Python callable, which
  // sgym/__init__.py sets to issue a DeprecationWarning; None restores the C++ default (stderr)
  m.def("set_deprecation_handler", [](py::object handler) {
    if (handler.is_none()) {
      set_deprecation_handler({});
      return;
    }
    // held for the life of the process: the handler may outlive the interpreter's teardown, and a
    // py::object must not be released without the GIL
    auto* held = new py::object(std::move(handler));
    set_deprecation_handler([held](const std::string& message) {
      py::gil_scoped_acquire gil;
      (*held)(message);
    });
  }, py::arg("handler"));
  m.def("mix_seed", &mix_seed);

  py::class_<PyEnv>(m, "Env")
      .def(py::init<const std::string&, const KeyValues&, bool>(), py::arg("id"), py::arg("options"),
           py::arg("time_limit") = true)
      .def("reset", &PyEnv::reset, py::arg("seed") = py::none())
      .def("step", &PyEnv::step)
      .def("render", [](const PyEnv& e, int width) { return render_frame(e.env(), width); }, py::arg("width"))
      .def_property_readonly("observation_space", [](const PyEnv& e) { return space_to_py(e.env().observation_space()); })
      .def_property_readonly("action_space", [](const PyEnv& e) { return space_to_py(e.env().action_space()); })
      .def_property_readonly("spec", [](const PyEnv& e) { return spec_to_py(e.env().spec()); })
      .def_property_readonly("needs_reset", [](const PyEnv& e) { return e.env().needs_reset(); });

  py::class_<PyVectorEnv>(m, "VectorEnv")
      .def(py::init<const std::string&, const KeyValues&, int, bool, int, bool>(), py::arg("id"), py::arg("options"),
           py::arg("num_envs"), py::arg("same_step"), py::arg("threads"), py::arg("string_info"))
      .def("reset", &PyVectorEnv::reset)
      .def("step", &PyVectorEnv::step)
      .def("arrays", &PyVectorEnv::arrays)
      .def("info", &PyVectorEnv::info, py::arg("copy"))
      .def("render", [](const PyVectorEnv& v, int i, int width) {
             if (i < 0 || i >= v.vec().num_envs())
               throw py::index_error("member " + std::to_string(i) + " of " + std::to_string(v.vec().num_envs()));
             return render_frame(v.vec().member(i), width);
           }, py::arg("index"), py::arg("width"))
      .def_property_readonly("observation_space", [](const PyVectorEnv& v) { return space_to_py(v.vec().single_observation_space()); })
      .def_property_readonly("action_space", [](const PyVectorEnv& v) { return space_to_py(v.vec().single_action_space()); })
      .def_property_readonly("spec", [](const PyVectorEnv& v) { return spec_to_py(v.vec().member(0).spec()); });

  py::class_<PyAgent>(m, "Agent")
      .def(py::init([](const std::string& id, const py::dict& obs, const py::dict& act, const KeyValues& kv, std::uint64_t seed) {
             return std::make_unique<PyAgent>(id, space_from_py(obs), space_from_py(act), kv, seed);
           }),
           py::arg("id"), py::arg("obs_space"), py::arg("act_space"), py::arg("options"), py::arg("seed"))
      .def("act", &PyAgent::act)
      .def("observe", &PyAgent::observe)
      .def("begin_episode", [](PyAgent& a) { a.agent().begin_episode(); })
      .def("end_episode", [](PyAgent& a) { a.agent().end_episode(); })
      .def("trial_ended", [](PyAgent& a, const std::string& o) { a.agent().trial_ended(o); })
      .def("introspect", &PyAgent::introspect)
      .def("signal_names", [](PyAgent& a) { return a.agent().signal_names(); })
      .def("save", [](PyAgent& a, const std::filesystem::path& p) { a.agent().save(p); })
      .def("load", [](PyAgent& a, const std::filesystem::path& p) { a.agent().load(p); })
      .def("seed", [](PyAgent& a, std::uint64_t s) { a.agent().seed(s); })
      .def_property("training", [](PyAgent& a) { return a.agent().training(); },
                    [](PyAgent& a, bool on) { a.agent().set_training(on); })
      .def_property_readonly("id", [](PyAgent& a) { return a.agent().id(); });

  m.def("register_python_agent", &register_python_agent, py::arg("id"), py::arg("factory"));
  m.def("run", [](const py::dict& config) { return summary_to_py(run_py(config)); }, py::arg("config"));
  m.def("bench", &bench_py, py::arg("suite"), py::arg("out"), py::arg("quick"), py::arg("jobs"), py::arg("resume"),
        py::arg("shard"), py::arg("command"));
}
