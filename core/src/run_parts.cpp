#include "run_parts.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "sgym/error.hpp"
#include "sgym/io.hpp"
#include "sgym/options.hpp"

#include "json_text.hpp"

namespace sgym::detail {

// ---- RecordLog

RecordLog::RecordLog(std::filesystem::path path, std::optional<std::uint64_t> keep)
    : path_(std::move(path)), partial_(path_.string() + ".partial") {
  namespace fs = std::filesystem;
  if (keep) {
    // an interrupted run left the log under ".partial" (killed) or its name (stopped early)
    if (!fs::exists(partial_) && fs::exists(path_)) fs::rename(path_, partial_);
    if (!fs::exists(partial_) || fs::file_size(partial_) < *keep)
      throw FileFormatError("resume: " + partial_.string() + " is missing or shorter than the checkpoint says (" +
                            std::to_string(*keep) + " bytes); the run cannot be resumed");
    fs::resize_file(partial_, *keep);
    written_ = *keep;
  }
  f_ = std::fopen(partial_.c_str(), keep ? "ab" : "wb");
  if (f_ == nullptr) throw std::runtime_error("cannot write " + partial_.string() + ": " + std::strerror(errno));
}

RecordLog::~RecordLog() {
  if (f_ != nullptr) std::fclose(f_);
}

void RecordLog::flush() {
  if (buf_.empty()) return;
  if (std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size() || std::fflush(f_) != 0)
    throw std::runtime_error("cannot write " + partial_.string() + ": " + std::strerror(errno));
  written_ += buf_.size();
  buf_.clear();
}

void RecordLog::commit() {
  flush();
  const bool closed = std::fclose(f_) == 0;
  f_ = nullptr;
  if (!closed) throw std::runtime_error("cannot write " + partial_.string() + ": " + std::strerror(errno));
  std::filesystem::rename(partial_, path_);
}

std::uint64_t to_bits(double v) { return std::bit_cast<std::uint64_t>(v); }
double from_bits(std::uint64_t b) { return std::bit_cast<double>(b); }

namespace {

std::optional<std::uint64_t> offset_of(const json* offsets, const std::string& name) {
  if (offsets == nullptr) return std::nullopt;
  return offsets->at(name).get<std::uint64_t>();
}

// format_number(v) appended to `out` (the same text, without a temporary string)
void append_number(std::string& out, double v) {
  if (std::isinf(v)) {
    out += v > 0 ? "inf" : "-inf";
    return;
  }
  if (std::isnan(v)) {
    out += "nan";
    return;
  }
  char buf[32];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

}  // namespace

// ---- EpisodeWriter

EpisodeWriter::EpisodeWriter(const std::filesystem::path& dir, bool trial_based, const json* offsets)
    : jsonl_(dir / "episodes.jsonl", offset_of(offsets, "episodes.jsonl")),
      csv_(dir / "episodes.csv", offset_of(offsets, "episodes.csv")) {
  if (trial_based) trials_.emplace(dir / "trials.jsonl", offset_of(offsets, "trials.jsonl"));
  trials_on_ = trial_based;
  if (csv_.empty()) csv_.buffer() += "episode,phase,return,length,trials,accuracy\n";
  thread_ = std::thread([this] { work(); });
}

EpisodeWriter::~EpisodeWriter() {
  {
    const std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void EpisodeWriter::Batch::clear() {
  episodes.clear();
  trials.clear();
  values.clear();
  text.clear();
  floats.clear();
  layouts.clear();
  flush = false;
}

void EpisodeWriter::episode(int ep, const char* phase, const EpisodeStats& st, int after_train_episodes) {
  filling_.episodes.push_back({ep, phase, st, after_train_episodes});
  if (filling_.records() >= kBatchRecords) hand_over(false);
}

// the batch's index of the info's keys (with `figures` episode figures added), added to the batch at
// the first record of that layout
std::uint32_t EpisodeWriter::layout_index(const Info& info, int figures) {
  const std::uint64_t id = info.layout();
  if (id == last_layout_ && figures == last_figures_) return last_layout_index_;
  std::vector<Layout>& layouts = filling_.layouts;
  std::uint32_t k = 0;
  while (k < layouts.size() && !(layouts[k].id == id && layouts[k].figures == figures)) ++k;
  if (k == layouts.size()) {
    Layout& l = layouts.emplace_back();
    l.id = id;
    l.figures = figures;
    for (const auto& item : info.items()) l.keys.push_back(item.first);
    // as EpisodeStatistics builds its end info: a figure whose key the info has replaces that value
    for (int f = 0; f < figures; ++f) {
      const std::string_view key = EpisodeStatistics::kEndKeys[static_cast<std::size_t>(f)];
      std::uint32_t at = 0;
      while (at < l.keys.size() && l.keys[at] != key) ++at;
      if (at == l.keys.size()) l.keys.emplace_back(key);
      l.figure_at[static_cast<std::size_t>(f)] = at;
    }
  }
  last_layout_ = id;
  last_figures_ = figures;
  last_layout_index_ = k;
  return k;
}

void EpisodeWriter::trial(int ep, int step, const Info& info, const EpisodeStats* end) {
  if (!trials_on_) return;
  Batch& b = filling_;
  const auto& items = info.items();
  const std::optional<double> acc = end != nullptr ? end->accuracy() : std::nullopt;
  const int figures = end == nullptr ? 0 : acc ? 4 : 3;
  const std::uint32_t li = layout_index(info, figures);
  const std::size_t first = b.values.size();
  b.trials.push_back({ep, step, li, static_cast<std::uint32_t>(first)});
  b.values.resize(first + b.layouts[li].keys.size());
  Value* out = b.values.data() + first;
  for (const auto& item : items) {
    const InfoValue& v = item.second;
    Value& x = *out++;
    x.type = static_cast<std::uint32_t>(v.index());
    switch (v.index()) {
      case 0: x.i = *std::get_if<bool>(&v); break;
      case 1: x.i = *std::get_if<std::int64_t>(&v); break;
      case 2: x.d = *std::get_if<double>(&v); break;
      case 3: {
        const std::string& s = *std::get_if<std::string>(&v);
        x.at = static_cast<std::uint32_t>(b.text.size());
        x.i = static_cast<std::int64_t>(s.size());
        b.text += s;
        break;
      }
      default: {
        const std::vector<float>& f = *std::get_if<std::vector<float>>(&v);
        x.at = static_cast<std::uint32_t>(b.floats.size());
        x.i = static_cast<std::int64_t>(f.size());
        b.floats.insert(b.floats.end(), f.begin(), f.end());
      }
    }
  }
  if (figures > 0) {
    // the types EpisodeStatistics gives them: return and accuracy double, length and trials integer
    const Layout& l = b.layouts[li];
    Value* v = b.values.data() + first;
    v[l.figure_at[0]] = Value{2, 0, 0, end->episode_return};
    v[l.figure_at[1]] = Value{1, 0, end->length, 0};
    v[l.figure_at[2]] = Value{1, 0, end->trials, 0};
    if (acc) v[l.figure_at[3]] = Value{2, 0, 0, *acc};
  }
  if (b.records() >= kBatchRecords) hand_over(false);
}

void EpisodeWriter::hand_over(bool flush) {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [this] { return queue_.size() < kMaxQueued || error_; });
  if (error_) std::rethrow_exception(error_);
  filling_.flush = flush;
  queue_.push_back(std::move(filling_));
  if (spare_.empty()) {
    filling_ = Batch{};
  } else {
    filling_ = std::move(spare_.back());
    spare_.pop_back();
  }
  lock.unlock();
  cv_.notify_all();
  filling_.clear();
  last_layout_ = 0;  // the new batch holds no layout yet
}

void EpisodeWriter::wait_idle() {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [this] { return queue_.empty() || error_; });
  if (error_) std::rethrow_exception(error_);
}

void EpisodeWriter::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    cv_.wait(lock, [this] { return !queue_.empty() || stop_; });
    if (queue_.empty() || error_) return;  // stopped with nothing left to write, or failed
    Batch& b = queue_.front();
    lock.unlock();
    std::exception_ptr error;
    try {
      format(b);
      // at a flush everything is written; between flushes whatever exceeds kBufferBytes (whole
      // records either way: a batch is formatted whole before its logs are written)
      const std::size_t keep = b.flush ? 0 : kBufferBytes;
      jsonl_.flush_over(keep);
      csv_.flush_over(keep);
      if (trials_) trials_->flush_over(keep);
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    if (error) error_ = error;  // nothing more is written after an error
    spare_.push_back(std::move(queue_.front()));
    queue_.pop_front();
    cv_.notify_all();
  }
}

void EpisodeWriter::format(const Batch& b) {
  // episodes.jsonl: each record as a nlohmann::json object would dump it (keys in alphabetical order)
  std::string& j = jsonl_.buffer();
  std::string& c = csv_.buffer();
  for (const EpisodeRecord& r : b.episodes) {
    const EpisodeStats& st = r.st;
    const auto acc = st.accuracy();
    j += "{\"accuracy\":";
    if (acc) json_double(j, *acc);
    else j += "null";
    if (r.after_train_episodes >= 0) {
      j += ",\"after_train_episodes\":";
      json_int(j, r.after_train_episodes);
    }
    j += ",\"episode\":";
    json_int(j, r.ep);
    j += ",\"length\":";
    json_int(j, st.length);
    j += ",\"phase\":";
    json_string(j, r.phase);
    j += ",\"return\":";
    json_double(j, st.episode_return);
    if (st.success) {
      j += ",\"success\":";
      json_bool(j, *st.success);
    }
    j += ",\"trials\":";
    json_int(j, st.trials);
    j += "}\n";
    json_int(c, r.ep);
    c += ',';
    c += r.phase;
    c += ',';
    append_number(c, st.episode_return);
    c += ',';
    json_int(c, st.length);
    c += ',';
    json_int(c, st.trials);
    c += ',';
    if (acc) append_number(c, *acc);
    c += '\n';
  }
  if (!trials_ || b.trials.empty()) return;
  // trials.jsonl: {"episode":E,"step":S,"info":{...}} with the info's keys as json_info orders them
  std::vector<JsonKeyOrder> orders(b.layouts.size());
  for (std::size_t k = 0; k < b.layouts.size(); ++k) {
    const auto& keys = b.layouts[k].keys;
    orders[k].build(keys.size(), [&](std::size_t i) -> const std::string& { return keys[i]; });
  }
  auto value = [&](std::string& o, const Value& x) {
    switch (x.type) {
      case 0: json_bool(o, x.i != 0); break;
      case 1: json_int(o, x.i); break;
      case 2: json_double(o, x.d); break;
      case 3: json_string(o, std::string_view(b.text).substr(x.at, static_cast<std::size_t>(x.i))); break;
      default: {
        // floats widen to double, as nlohmann stores them
        o += '[';
        for (std::int64_t k = 0; k < x.i; ++k) {
          if (k > 0) o += ',';
          json_double(o, static_cast<double>(b.floats[x.at + static_cast<std::size_t>(k)]));
        }
        o += ']';
      }
    }
  };
  std::string& o = trials_->buffer();
  for (const TrialRecord& r : b.trials) {
    o += "{\"episode\":";
    json_int(o, r.ep);
    o += ",\"step\":";
    json_int(o, r.step);
    o += ",\"info\":";
    orders[r.layout].write(o, [&](std::string& out, std::size_t i) { value(out, b.values[r.first + i]); });
    o += "}\n";
  }
}

void EpisodeWriter::flush(bool wait) {
  hand_over(true);
  if (wait) wait_idle();
}

json EpisodeWriter::offsets() const {
  json j = {{"episodes.jsonl", jsonl_.bytes()}, {"episodes.csv", csv_.bytes()}};
  if (trials_) j["trials.jsonl"] = trials_->bytes();
  return j;
}

void EpisodeWriter::commit() {
  flush(true);
  jsonl_.commit();
  csv_.commit();
  if (trials_) trials_->commit();
}

std::vector<std::string> EpisodeWriter::files() const {
  std::vector<std::string> f = {"episodes.jsonl", "episodes.csv"};
  if (trials_) f.push_back("trials.jsonl");
  return f;
}

// ---- SignalRecorder

SignalRecorder::SignalRecorder(const std::filesystem::path& dir, std::vector<std::string> names, const json* state)
    : log_(dir / "signals.csv", state ? std::optional<std::uint64_t>(state->at("bytes").get<std::uint64_t>()) : std::nullopt),
      names_(std::move(names)) {
  if (state == nullptr) return;
  header_ = state->at("header").get<bool>();
  for (const auto& c : state->at("cells")) {
    auto& v = cells_[{c.at(0).get<std::string>(), c.at(1).get<std::string>(), c.at(2).get<std::string>()}];
    for (std::size_t k = 0; k < v.size(); ++k) v[k] = from_bits(c.at(3).at(k).get<std::uint64_t>());
  }
  for (const auto& [cond, ep] : state->at("first_episode_of").items()) first_episode_of_.emplace(cond, ep.get<int>());
}

void SignalRecorder::step(const Agent& agent, const Info& info, int ep, int step, bool early, bool late) {
  const auto sig = agent.introspect();
  const std::string_view cond = info.string_or_empty("condition");
  const std::string_view epoch = info.string_or_empty(info_keys::kEpoch);
  auto first_it = first_episode_of_.find(cond);
  if (first_it == first_episode_of_.end()) first_it = first_episode_of_.emplace(std::string(cond), ep).first;
  const bool first = first_it->second == ep;
  std::string& o = log_.buffer();
  if (!header_) {
    // written at the first recorded step, when the signals' sizes are known: a vector signal
    // gets one column per element, name[0], name[1], ...
    o += "episode,step,condition,epoch";
    for (const auto& name : names_)
      for (const auto& sg : sig)
        if (sg.name == name) {
          if (sg.values.size() == 1) o += "," + name;
          else for (std::size_t k = 0; k < sg.values.size(); ++k) o += "," + name + "[" + std::to_string(k) + "]";
        }
    o += "\n";
    header_ = true;
  }
  o += std::to_string(ep) + "," + std::to_string(step) + ",";
  o += cond;
  o += ",";
  o += epoch;
  for (const auto& name : names_)
    for (const auto& sg : sig)
      if (sg.name == name) {
        for (float v : sg.values) o += "," + format_number(v);
        if ((early || late || first) && sg.values.size() == 1 && !epoch.empty()) {
          auto& c = cells_[{name, std::string(cond), std::string(epoch)}];
          for (int slot : {early ? 0 : -1, late ? 2 : -1, first ? 4 : -1})
            if (slot >= 0) { c[slot] += sg.values[0]; c[slot + 1] += 1; }
        }
      }
  o += "\n";
}

json SignalRecorder::state() const {
  json cells = json::array();
  for (const auto& [key, v] : cells_) {
    json bits = json::array();
    for (double x : v) bits.push_back(to_bits(x));
    cells.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), bits});
  }
  json first = json::object();
  for (const auto& [cond, ep] : first_episode_of_) first[cond] = ep;
  return {{"bytes", log_.bytes()}, {"header", header_}, {"cells", cells}, {"first_episode_of", first}};
}

std::vector<SignalCell> SignalRecorder::cells(const std::vector<std::string>& epochs) const {
  std::vector<SignalCell> out;
  for (const auto& [key, c] : cells_) {
    const auto& [signal, cond, epoch] = key;
    out.push_back({signal, cond, epoch, c[5] > 0 ? c[4] / c[5] : 0.0, c[1] > 0 ? c[0] / c[1] : 0.0,
                   c[3] > 0 ? c[2] / c[3] : 0.0, static_cast<int>(c[5]), static_cast<int>(c[1]), static_cast<int>(c[3])});
  }
  // epochs in the task's own order, not alphabetical
  auto rank = [&](const std::string& e) { return std::find(epochs.begin(), epochs.end(), e) - epochs.begin(); };
  std::stable_sort(out.begin(), out.end(), [&](const SignalCell& a, const SignalCell& b) {
    if (a.signal != b.signal) return a.signal < b.signal;
    if (a.condition != b.condition) return a.condition < b.condition;
    return rank(a.epoch) < rank(b.epoch);
  });
  return out;
}

// ---- CriterionTracker

void CriterionTracker::trial(bool correct, long long trials_so_far) {
  if (c_ && c_->measure == Criterion::Measure::kAccuracy) push(correct ? 1.0 : 0.0, trials_so_far);
}

void CriterionTracker::episode(double ret, long long trials_so_far) {
  if (c_ && c_->measure == Criterion::Measure::kReturn) push(ret, trials_so_far);
}

void CriterionTracker::push(double x, long long trials_so_far) {
  if (reached_) return;
  const bool counts = c_->measure == Criterion::Measure::kAccuracy;
  window_.push_back(x);
  sum_ += x;
  if (static_cast<int>(window_.size()) > c_->window) {
    sum_ -= window_.front();
    window_.pop_front();
  }
  if (static_cast<int>(window_.size()) < c_->window) return;
  // a count of 0/1 outcomes is kept exactly as it goes; returns are summed afresh, in window
  // order, so that no rounding error accumulates over a long run
  double sum = sum_;
  if (!counts) {
    sum = 0;
    for (double r : window_) sum += r;
  }
  if (sum / c_->window >= c_->threshold) reached_ = trials_so_far;
}

json CriterionTracker::state() const {
  json w = json::array();
  for (double x : window_) w.push_back(to_bits(x));
  return {{"window", w}, {"sum", to_bits(sum_)}, {"reached", reached_ ? json(*reached_) : json(nullptr)}};
}

void CriterionTracker::restore(const json& j) {
  window_.clear();
  for (const auto& b : j.at("window")) window_.push_back(from_bits(b.get<std::uint64_t>()));
  sum_ = from_bits(j.at("sum").get<std::uint64_t>());
  if (!j.at("reached").is_null()) reached_ = j.at("reached").get<long long>();
}

// ---- ActionLog

namespace {
// a checkpoint's action index width, refused unless 1, 2, 4 or 8 bytes
int checked_index_bytes(int w) {
  if (w != 1 && w != 2 && w != 4 && w != 8)
    throw FileFormatError("resume: the checkpoint names an action index width of " + std::to_string(w) +
                          " bytes; valid widths are 1, 2, 4 and 8");
  return w;
}
}  // namespace

ActionLog::ActionLog(std::filesystem::path path, const Space& action_space, std::optional<std::uint64_t> keep,
                     std::optional<int> index_bytes)
    : log_(std::move(path), keep),
      discrete_(action_space.is_discrete()),
      index_bytes_(index_bytes ? checked_index_bytes(*index_bytes) : discrete_ ? index_bytes_for(action_space.n()) : 8) {}

int ActionLog::index_bytes_for(std::int64_t n) {
  if (n <= (std::int64_t{1} << 8)) return 1;
  if (n <= (std::int64_t{1} << 16)) return 2;
  if (n <= (std::int64_t{1} << 32)) return 4;
  return 8;
}

void ActionLog::append_slow(const Action& a) {
  unstage();
  std::string& b = log_.buffer();
  if (discrete_) {
    const auto v = static_cast<std::uint64_t>(a.index);
    b.append(reinterpret_cast<const char*>(&v), static_cast<std::size_t>(index_bytes_));
  }
  else b.append(reinterpret_cast<const char*>(a.values.data()), a.values.size() * sizeof(float));
  // written once it holds a MiB (whole actions): between the run's flushes the buffer would
  // otherwise grow to a second's worth of actions, copied and touched afresh at every doubling
  // (≈ 20 MB/s of discrete actions on a cheap task). The checkpoint's offset is bytes(), flushed or
  // not, and a resume cuts the file back to it, so writing early changes nothing it reads.
  log_.flush_over(kBufferBytes);
}

long long ActionLog::replay(Env& env, const std::filesystem::path& path, std::uint64_t bytes, long long episodes,
                            std::uint64_t first_seed, int index_bytes) {
  const std::filesystem::path partial = path.string() + ".partial";
  std::string data = read_file(partial);
  if (data.size() < bytes)
    throw FileFormatError("resume: " + partial.string() + " holds " + std::to_string(data.size()) +
                          " bytes, the checkpoint needs " + std::to_string(bytes));
  data.resize(bytes);
  const bool discrete = env.action_space().is_discrete();
  const std::size_t size =
      discrete ? static_cast<std::size_t>(checked_index_bytes(index_bytes)) : env.action_space().flat_size() * sizeof(float);
  Action a;
  if (!discrete) a.values.resize(env.action_space().flat_size());
  std::size_t pos = 0;
  long long steps = 0;
  for (long long e = 0; e < episodes; ++e) {
    env.reset(e == 0 ? std::optional<std::uint64_t>(first_seed) : std::nullopt);
    for (;;) {
      if (pos + size > data.size())
        throw FileFormatError("resume: " + partial.string() + " ends in episode " + std::to_string(e) +
                              " of " + std::to_string(episodes) + "; the run cannot be resumed");
      if (discrete) {
        std::uint64_t v = 0;  // little-endian: the low `size` bytes
        std::memcpy(&v, data.data() + pos, size);
        a.index = static_cast<std::int64_t>(v);
      }
      else std::memcpy(a.values.data(), data.data() + pos, size);
      pos += size;
      ++steps;
      const StepResult r = env.step(a);
      if (r.terminated || r.truncated) break;
    }
  }
  if (pos != data.size())
    throw FileFormatError("resume: replaying " + partial.string() + " left " + std::to_string(data.size() - pos) +
                          " bytes unused: the env ends its episodes elsewhere than when it was run (another build?)");
  return steps;
}

}  // namespace sgym::detail
