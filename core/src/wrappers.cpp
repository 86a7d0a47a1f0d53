#include "sgym/wrappers.hpp"

#include <algorithm>
#include <array>
#include <string_view>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "sgym/error.hpp"
#include "sgym/io.hpp"
#include "sgym/runner.hpp"

#include "json_text.hpp"

namespace sgym {

using json = nlohmann::json;

// ---------------------------------------------------------------------------------------------
TimeLimit::TimeLimit(std::unique_ptr<Env> inner, int max_steps)
    : Wrapper(std::move(inner)), max_steps_(max_steps) {
  if (max_steps < 1)
    throw std::invalid_argument("TimeLimit: max_steps must be >= 1, got " + std::to_string(max_steps));
  spec_.max_episode_steps = max_steps;
}

ResetResult TimeLimit::do_reset(std::optional<std::uint64_t> seed) {
  elapsed_ = 0;
  return inner_->reset(seed);
}

StepResult TimeLimit::do_step(const Action& a) {
  StepResult r = step_inner(a);
  ++elapsed_;
  if (elapsed_ >= max_steps_) r.truncated = true;
  return r;
}

// ---------------------------------------------------------------------------------------------
std::optional<double> EpisodeStats::accuracy() const {
  if (scored_trials > 0) return static_cast<double>(correct_trials) / scored_trials;
  if (success) return *success ? 1.0 : 0.0;
  return std::nullopt;
}

EpisodeStatistics::EpisodeStatistics(std::unique_ptr<Env> inner) : Wrapper(std::move(inner)) {}

bool EpisodeStatistics::is_scored_outcome(std::string_view o) {
  return o == "correct" || o == "wrong" || o == "aborted" || o == "timeout";
}


ResetResult EpisodeStatistics::do_reset(std::optional<std::uint64_t> seed) {
  cur_ = EpisodeStats{};
  last_outcome_.clear();
  last_kind_ = TrialKind::kNone;
  return inner_->reset(seed);
}

StepResult EpisodeStatistics::do_step(const Action& a) {
  StepResult r = step_inner(a);
  cur_.episode_return += r.reward;
  ++cur_.length;
  const std::string_view outcome = outcome_.string_or_empty(r.info);
  if (!(outcome.empty() && last_outcome_.empty())) {  // most steps end no trial
    last_outcome_.assign(outcome);
    last_kind_ = last_outcome_.empty()               ? TrialKind::kNone
                 : !counts_as_trial(last_outcome_)   ? TrialKind::kNotATrial
                 : !is_scored_outcome(last_outcome_) ? TrialKind::kUnscored
                 : last_outcome_ == "correct"        ? TrialKind::kCorrect
                                                     : TrialKind::kIncorrect;
  }
  if (last_kind_ != TrialKind::kNone && last_kind_ != TrialKind::kNotATrial) {
    ++cur_.trials;
    if (last_kind_ != TrialKind::kUnscored) {
      ++cur_.scored_trials;
      if (last_kind_ == TrialKind::kCorrect) ++cur_.correct_trials;
    }
  }
  if (!(r.terminated || r.truncated)) return r;
  // episode over: an env without trials counts the episode as one trial
  if (!spec_.trial_based && cur_.trials == 0) cur_.trials = 1;
  if (const InfoValue* s = is_success_.find(r.info))
    if (const bool* b = std::get_if<bool>(s)) cur_.success = *b;
  last_ = cur_;
  if (!end_info_on_) return r;
  const auto acc = last_.accuracy();
  // the end info is the env's info followed by the episode figures. When it already holds exactly
  // those keys in that order (the last episode's end, as a rule) it is overwritten in place, which
  // gives the same map as building it afresh without freeing and allocating its strings
  const auto& in = r.info.items();
  const auto& have = end_info_.items();
  const std::size_t n_end = acc ? 4 : 3;
  // Only with as many figures as the last build declared: with another count, the same keys can
  // hold the info's own values of a figure's name (a figure not declared then, with the info's type),
  // and the size alone can match (4 figures built over an info holding one of their keys, then 3).
  bool same = n_end == merged_n_end_ && have.size() == in.size() + n_end;
  if (same && !(r.info.layout() == merged_from_ && end_info_.layout() == merged_to_)) {
    for (std::size_t i = 0; same && i < in.size(); ++i) same = have[i].first == in[i].first;
    for (std::size_t i = 0; same && i < n_end; ++i) same = have[in.size() + i].first == kEndKeys[i];
  }
  if (same) {
    end_info_.set_values(r.info);
  } else {
    end_info_.clear();
    end_info_.merge(r.info);
    end_return_ = end_info_.declare<double>(kEndKeys[0]);
    end_length_ = end_info_.declare<std::int64_t>(kEndKeys[1]);
    end_trials_ = end_info_.declare<std::int64_t>(kEndKeys[2]);
    if (acc) end_accuracy_ = end_info_.declare<double>(kEndKeys[3]);
  }
  end_info_.set(end_return_, last_.episode_return);
  end_info_.set(end_length_, last_.length);
  end_info_.set(end_trials_, last_.trials);
  if (acc) end_info_.set(end_accuracy_, *acc);
  merged_from_ = r.info.layout();
  merged_to_ = end_info_.layout();
  merged_n_end_ = n_end;
  return {r.obs, r.reward, r.terminated, r.truncated, end_info_};
}

// ---------------------------------------------------------------------------------------------
ObservationNoise::ObservationNoise(std::unique_ptr<Env> inner, double sd, bool clip)
    : Wrapper(std::move(inner)), sd_(sd), clip_(clip) {
  if (!(sd >= 0) || !std::isfinite(sd))
    throw std::invalid_argument("ObservationNoise: sd must be a finite number >= 0, got " + std::to_string(sd));
  if (!obs_space_.is_box())
    throw std::invalid_argument("ObservationNoise: needs a Box observation space, got " + obs_space_.describe());
  lo_ = obs_space_.low();
  hi_ = obs_space_.high();
  if (!clip_) {
    const float inf = std::numeric_limits<float>::infinity();
    obs_space_ = Space::box(-inf, inf, obs_space_.shape()).with_slices(obs_space_.slices());  // same layout
  }
}

void ObservationNoise::add_noise(std::span<const float> clean) {
  for (std::size_t i = 0; i < obs_.size(); ++i) {
    float v = static_cast<float>(clean[i] + sd_ * rng_.normal());
    if (clip_) v = std::min(std::max(v, lo_[i]), hi_[i]);
    obs_[i] = v;
  }
}

ResetResult ObservationNoise::do_reset(std::optional<std::uint64_t> seed) {
  // the base seeded rng_ with the task's own seed: decorrelate the noise stream from the task's
  if (seed) rng_.seed(mix_seed(*seed, 0x0B5E));
  ResetResult r = inner_->reset(seed);
  add_noise(r.obs);
  return {obs_, r.info};
}

StepResult ObservationNoise::do_step(const Action& a) {
  StepResult r = step_inner(a);
  add_noise(r.obs);
  return {obs_, r.reward, r.terminated, r.truncated, r.info};
}

// ---------------------------------------------------------------------------------------------
ObservationDelay::ObservationDelay(std::unique_ptr<Env> inner, int steps)
    : Wrapper(std::move(inner)), steps_(steps) {
  if (steps < 0)
    throw UsageError("ObservationDelay: steps (the observation delay) must be an integer >= 0, got " +
                     std::to_string(steps));
  const int limit = spec().max_episode_steps;
  if (limit > 0 && steps > limit)
    throw UsageError("ObservationDelay: steps (the observation delay) must be at most " + std::to_string(limit) +
                     ", the max_episode_steps of " + spec().id + ", got " + std::to_string(steps));
  // without a time limit: a bound that keeps the ring (steps + 1 observations) a sane size
  constexpr int kMaxSteps = 100000;
  if (steps > kMaxSteps)
    throw UsageError("ObservationDelay: steps (the observation delay) must be at most " + std::to_string(kMaxSteps) +
                     ", got " + std::to_string(steps));
  ring_.assign(static_cast<std::size_t>(steps + 1) * obs_.size(), 0.0f);
}

ResetResult ObservationDelay::do_reset(std::optional<std::uint64_t> seed) {
  ResetResult r = inner_->reset(seed);
  if (steps_ == 0) return r;
  // every slot holds the reset observation: the first `steps` steps repeat it
  const std::size_t n = obs_.size();
  for (int k = 0; k <= steps_; ++k) std::copy(r.obs.begin(), r.obs.end(), ring_.begin() + static_cast<std::ptrdiff_t>(k * n));
  head_ = 0;
  std::copy(r.obs.begin(), r.obs.end(), obs_.begin());
  return {obs_, r.info};
}

StepResult ObservationDelay::do_step(const Action& a) {
  StepResult r = step_inner(a);
  if (steps_ == 0) return r;
  // the ring holds the last steps + 1 observations; the one after the newest is `steps` old
  const std::size_t n = obs_.size();
  head_ = (head_ + 1) % (steps_ + 1);
  std::copy(r.obs.begin(), r.obs.end(), ring_.begin() + static_cast<std::ptrdiff_t>(head_ * n));
  const auto oldest = ring_.begin() + static_cast<std::ptrdiff_t>(((head_ + 1) % (steps_ + 1)) * n);
  std::copy(oldest, oldest + static_cast<std::ptrdiff_t>(n), obs_.begin());
  return {obs_, r.reward, r.terminated, r.truncated, r.info};
}

// ---------------------------------------------------------------------------------------------
namespace {

json info_json(const Info& info) {
  json j = json::object();
  for (const auto& item : info.items())  // no structured binding: clang 14 cannot capture one
    std::visit([&](const auto& x) { j[item.first] = x; }, item.second);
  return j;
}

}  // namespace

// the text info_json(info).dump() gives, written without building the object
std::string info_to_json(const Info& info) {
  std::string s;
  detail::json_info(s, info);
  return s;
}

Info info_from_json(std::string_view text) {
  const json j = json::parse(text);  // json::parse_error names the position
  if (!j.is_object()) throw std::invalid_argument("an info record must be a JSON object, got " + std::string(j.type_name()));
  Info info;
  for (const auto& [key, v] : j.items()) {
    if (v.is_boolean()) info.set(key, v.get<bool>());
    else if (v.is_number_integer()) info.set(key, v.get<std::int64_t>());
    else if (v.is_number()) info.set(key, v.get<double>());
    else if (v.is_string()) info.set(key, v.get<std::string>());
    else if (v.is_array() && std::all_of(v.begin(), v.end(), [](const json& x) { return x.is_number(); }))
      info.set(key, v.get<std::vector<float>>());
    else
      throw std::invalid_argument("info key '" + key + "' holds a " + v.type_name() +
                                  "; an info value is a bool, a number, a string or an array of numbers");
  }
  return info;
}

RecordTrajectory::RecordTrajectory(std::unique_ptr<Env> inner, std::filesystem::path path,
                                   std::optional<KeyValues> env_options)
    : Wrapper(std::move(inner)), path_(std::move(path)), partial_(path_.string() + ".partial") {
  out_.open(partial_, std::ios::binary | std::ios::trunc);
  if (!out_) throw std::runtime_error("RecordTrajectory: cannot write " + partial_.string());
  // options as [key, value] pairs, in the order given (null when unknown)
  json options = nullptr;
  if (env_options) {
    options = json::array();
    for (const auto& [k, v] : *env_options) options.push_back({k, v});
  }
  json header = {{"format", "sgym-trajectory"}, {"version", 2}, {"env", spec_.id},
                 {"env_options", options}, {"observation_space", obs_space_.describe()},
                 {"action_space", act_space_.describe()}, {"sgym_version", build_version()}};
  out_ << header.dump() << '\n';
}

RecordTrajectory::~RecordTrajectory() {
  // destroyed by an exception unwinding the stack: the recording is incomplete, keep it .partial
  if (std::uncaught_exceptions() > uncaught_) return;
  try {
    close();
  } catch (...) {
    // a destructor must not throw; the .partial file stays for inspection
  }
}

void RecordTrajectory::close() {
  if (closed_) return;
  closed_ = true;
  out_.flush();
  out_.close();
  std::filesystem::rename(partial_, path_);
}

void RecordTrajectory::write(const std::span<const float>& obs, const Action* a, double reward,
                             bool term, bool trunc, const Info& info,
                             const std::optional<std::uint64_t>* reset_seed) {
  if (closed_) throw std::logic_error("RecordTrajectory: " + path_.string() + " is already closed");
  json j;
  j["episode"] = episode_;
  j["step"] = step_;
  j["obs"] = std::vector<float>(obs.begin(), obs.end());
  if (a != nullptr) {
    if (act_space_.is_discrete()) j["action"] = a->index;
    else j["action"] = a->values;
  } else {
    j["action"] = nullptr;
  }
  j["reward"] = reward;
  j["terminated"] = term;
  j["truncated"] = trunc;
  j["info"] = info_json(info);
  if (reset_seed != nullptr) j["seed"] = *reset_seed ? json(**reset_seed) : json(nullptr);
  out_ << j.dump() << '\n';
}

ResetResult RecordTrajectory::do_reset(std::optional<std::uint64_t> seed) {
  ResetResult r = inner_->reset(seed);
  ++episode_;
  step_ = 0;
  write(r.obs, nullptr, 0.0, false, false, r.info, &seed);
  return r;
}

StepResult RecordTrajectory::do_step(const Action& a) {
  StepResult r = step_inner(a);
  ++step_;
  write(r.obs, &a, r.reward, r.terminated, r.truncated, r.info, nullptr);
  return r;
}

std::vector<TrajectoryStep> read_trajectory(const std::filesystem::path& path) {
  return read_trajectory_file(path).steps;
}

Trajectory read_trajectory_file(const std::filesystem::path& path) {
  const std::string text = read_file(path);
  Trajectory t;
  std::vector<TrajectoryStep>& steps = t.steps;
  std::size_t pos = 0;
  int line_no = 0;
  bool discrete = true;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos)
      throw FileFormatError(path.string() + ": line " + std::to_string(line_no + 1) + " is truncated (no newline)");
    const std::string_view line(text.data() + pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    json j;
    try {
      j = json::parse(line);
      if (line_no == 1) {
        if (j.at("format") != "sgym-trajectory")
          throw FileFormatError(path.string() + " is not an sgym trajectory");
        if (j.at("version") != 1 && j.at("version") != 2)
          throw FileFormatError(path.string() + ": trajectory version " + j.at("version").dump() + " is not 1 or 2");
        TrajectoryHeader& h = t.header;
        h.version = j.at("version").get<int>();
        h.env = j.at("env").get<std::string>();
        h.observation_space = j.at("observation_space").get<std::string>();
        h.action_space = j.at("action_space").get<std::string>();
        if (h.version >= 2) {
          h.sgym_version = j.at("sgym_version").get<std::string>();
          if (!j.at("env_options").is_null()) {
            h.env_options.emplace();
            for (const auto& p : j.at("env_options"))
              h.env_options->emplace_back(p.at(0).get<std::string>(), p.at(1).get<std::string>());
          }
        }
        discrete = h.action_space.rfind("Discrete", 0) == 0;
        continue;
      }
      TrajectoryStep s;
      s.episode = j.at("episode").get<int>();
      s.step = j.at("step").get<int>();
      s.obs = j.at("obs").get<std::vector<float>>();
      const json& a = j.at("action");
      if (!a.is_null()) s.action = discrete ? Action::discrete(a.get<std::int64_t>())
                                            : Action::box(a.get<std::vector<float>>());
      s.reward = j.at("reward").get<double>();
      s.terminated = j.at("terminated").get<bool>();
      s.truncated = j.at("truncated").get<bool>();
      s.info_json = j.at("info").dump();
      if (!s.action && t.header.version >= 2) {
        const json& seed = j.at("seed");
        s.has_reset_seed = true;
        if (!seed.is_null()) s.reset_seed = seed.get<std::uint64_t>();
      }
      steps.push_back(std::move(s));
    } catch (const json::exception& e) {
      throw FileFormatError(path.string() + ": line " + std::to_string(line_no) + ": " + e.what());
    }
  }
  if (line_no == 0) throw FileFormatError(path.string() + " is empty");
  return t;
}

}  // namespace sgym
