// The `info` dictionary that reset() and step() return: a small ordered map from key to a scalar,
// a string or a float vector. Keys are created once and then overwritten in place, so filling it
// every step allocates nothing after the first episode. An env declares its fields once, by name
// and type (declare<T>), and then writes each value by its field's index: no name is looked up on
// the hot path; names are read only where a human or a file reads the record.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace sgym {

/// Keys that trial-based tasks put in `info` (documented once, here).
namespace info_keys {
inline constexpr std::string_view kEpoch = "epoch";                 ///< current epoch name
inline constexpr std::string_view kGroundTruth = "ground_truth";    ///< correct action now, -1 if none
inline constexpr std::string_view kTrialOutcome = "trial_outcome";  ///< "" until a trial ends, then
                                                                    ///< correct/wrong/aborted/timeout
                                                                    ///< or a task-specific word
inline constexpr std::string_view kTrial = "trial";                 ///< trial index within the episode
}  // namespace info_keys

/// A value stored in Info.
using InfoValue = std::variant<bool, std::int64_t, double, std::string, std::vector<float>>;

/// A field declared in an Info: the index of its slot and its value type (bool, std::int64_t,
/// double, std::string or std::vector<float>). Valid until the Info is cleared.
template <class T>
struct InfoField {
  std::uint32_t index = 0;
};

/// Ordered key -> value map with in-place overwrite.
class Info {
 public:
  Info() = default;
  Info(const Info&) = default;
  Info& operator=(const Info&) = default;
  /// A moved-from Info is empty, with a layout of its own.
  Info(Info&& o) noexcept : items_(std::move(o.items_)), hint_(o.hint_), layout_(o.layout_) { o.reset_after_move(); }
  Info& operator=(Info&& o) noexcept {
    if (this != &o) {
      items_ = std::move(o.items_);
      hint_ = o.hint_;
      layout_ = o.layout_;
      o.reset_after_move();
    }
    return *this;
  }

  /// Declares the field `name` holding a T (its slot is created with T's zero value, or re-typed
  /// if `name` exists with another type) and returns its index for set(field, value). Declaring
  /// the same name twice returns the same field. Fields keep the order of their declaration.
  template <class T>
  InfoField<T> declare(std::string_view name);

  /// Writes a declared field by index (no name look-up).
  void set(InfoField<bool> f, bool v) { std::get<bool>(items_[f.index].second) = v; }
  void set(InfoField<std::int64_t> f, std::int64_t v) { std::get<std::int64_t>(items_[f.index].second) = v; }
  void set(InfoField<double> f, double v) { std::get<double>(items_[f.index].second) = v; }
  /// Reuses the slot's capacity (kStringCapacity characters reserved at declaration); an unchanged
  /// value (an epoch or condition name, most steps) is not copied again.
  void set(InfoField<std::string> f, std::string_view v) {
    auto& dst = std::get<std::string>(items_[f.index].second);
    if (std::string_view(dst) != v) overwrite(dst, v);
  }
  /// dst = v. A value that fits dst's capacity and does not lie in dst's own buffer is copied with
  /// clear() and append(), a memcpy; assign() goes through the general _M_replace, which cost
  /// SaccadeAntisaccade ≈ 80 instructions per epoch name.
  static void overwrite(std::string& dst, std::string_view v) {
    const std::less<const char*> before;
    if (v.size() <= dst.capacity() &&
        (!before(v.data(), dst.data() + dst.capacity() + 1) || !before(dst.data(), v.data() + v.size()))) {
      dst.clear();
      dst.append(v.data(), v.size());
    } else {
      dst.assign(v);
    }
  }
  void set(InfoField<std::vector<float>> f, const std::vector<float>& v) {
    auto& dst = std::get<std::vector<float>>(items_[f.index].second);
    dst.assign(v.begin(), v.end());
  }

  void set(std::string_view key, bool v) { slot(key) = v; }
  void set(std::string_view key, int v) { slot(key) = static_cast<std::int64_t>(v); }
  void set(std::string_view key, std::int64_t v) { slot(key) = v; }
  void set(std::string_view key, double v) { slot(key) = v; }
  /// Strings assigned into an existing string slot reuse its capacity; a new string slot holds
  /// kStringCapacity characters without reallocating.
  void set(std::string_view key, std::string_view v);
  static constexpr std::size_t kStringCapacity = 47;
  void set(std::string_view key, const char* v) { set(key, std::string_view(v)); }
  /// Vectors assigned into an existing vector slot reuse its capacity.
  void set(std::string_view key, const std::vector<float>& v);

  bool has(std::string_view key) const { return find(key) != nullptr; }
  /// The value, or nullptr when absent.
  const InfoValue* find(std::string_view key) const;
  /// Typed getters: throw std::out_of_range naming the key when absent or of another type.
  bool get_bool(std::string_view key) const;
  std::int64_t get_int(std::string_view key) const;
  /// Accepts an int or a double.
  double get_double(std::string_view key) const;
  const std::string& get_string(std::string_view key) const;
  /// The string, or "" when absent.
  std::string_view string_or_empty(std::string_view key) const;

  const std::vector<std::pair<std::string, InfoValue>>& items() const { return items_; }
  void clear() {
    items_.clear();
    hint_ = 0;
    layout_ = new_layout();
  }
  /// Identifies the keys and their order: changes whenever a key is added or the map is cleared, is
  /// never the same for two different key lists in one process, and is kept by copies (which have
  /// the same keys). Readers on hot paths (InfoLookup) remember a key's index for one layout.
  std::uint64_t layout() const { return layout_; }
  /// Overwrites the value at `index` (< items().size()) in place, reusing a string's or a vector's
  /// capacity when the type is the same.
  void set_value(std::size_t index, const InfoValue& v);
  /// Copies every item of `other` into this map (overwriting equal keys).
  void merge(const Info& other);
  /// Overwrites the first other.items().size() values with other's, in place, as set_value() would
  /// (for a map whose first keys are other's keys, in other's order: the caller knows they are).
  void set_values(const Info& other);

 private:
  InfoValue& slot(std::string_view key);
  std::uint32_t declare_slot(std::string_view name, InfoValue zero);
  std::vector<std::pair<std::string, InfoValue>> items_;
  // where the next set() most likely writes: the slot after the last one written. Envs write their
  // keys in the same order every step, so each set() then finds its key with one comparison
  // instead of a scan (only the look-up is faster; what is stored and its order are the same)
  std::size_t hint_ = 0;
  std::uint64_t layout_ = new_layout();
  static std::uint64_t new_layout();
  void reset_after_move() noexcept {
    items_.clear();
    hint_ = 0;
    layout_ = new_layout();
  }
};

/// A look-up of one key, remembered across calls: while the Info's layout() is the one seen last,
/// find() costs one comparison instead of a scan of the keys (the wrappers and the runner read
/// trial_outcome every step).
class InfoLookup {
 public:
  explicit InfoLookup(std::string_view key) : key_(key) {}
  /// The value, or nullptr when absent.
  const InfoValue* find(const Info& info) {
    if (info.layout() != layout_) {
      layout_ = info.layout();
      index_ = kAbsent;
      const auto& items = info.items();
      for (std::size_t i = 0; i < items.size(); ++i)
        if (items[i].first == key_) {
          index_ = i;
          break;
        }
    }
    return index_ < info.items().size() ? &info.items()[index_].second : nullptr;
  }
  /// The string value, or "" when absent or not a string.
  std::string_view string_or_empty(const Info& info) {
    const InfoValue* v = find(info);
    const auto* s = v == nullptr ? nullptr : std::get_if<std::string>(v);
    return s == nullptr ? std::string_view{} : std::string_view(*s);
  }

 private:
  static constexpr std::size_t kAbsent = static_cast<std::size_t>(-1);
  std::string key_;
  std::uint64_t layout_ = 0;  // 0: no layout seen (Info layouts start at 1)
  std::size_t index_ = kAbsent;
};

template <class T>
InfoField<T> Info::declare(std::string_view name) {
  static_assert(std::is_same_v<T, bool> || std::is_same_v<T, std::int64_t> || std::is_same_v<T, double> ||
                    std::is_same_v<T, std::string> || std::is_same_v<T, std::vector<float>>,
                "an info field holds a bool, std::int64_t, double, std::string or std::vector<float>");
  return InfoField<T>{declare_slot(name, InfoValue(std::in_place_type<T>))};
}

}  // namespace sgym
