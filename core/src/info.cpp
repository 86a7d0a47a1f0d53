#include "sgym/info.hpp"

#include <algorithm>
#include <atomic>
#include <stdexcept>

namespace sgym {

InfoValue& Info::slot(std::string_view key) {
  const std::size_t n = items_.size();
  if (hint_ < n && items_[hint_].first == key) return items_[hint_++].second;
  for (std::size_t i = 0; i < n; ++i)
    if (items_[i].first == key) {
      hint_ = i + 1;
      return items_[i].second;
    }
  items_.emplace_back(std::string(key), InfoValue{});
  hint_ = n + 1;
  layout_ = new_layout();
  return items_.back().second;
}

std::uint32_t Info::declare_slot(std::string_view name, InfoValue zero) {
  InfoValue& s = slot(name);
  if (s.index() != zero.index() || s.valueless_by_exception()) {
    if (auto* str = std::get_if<std::string>(&zero)) str->reserve(kStringCapacity);
    s = std::move(zero);
  }
  return static_cast<std::uint32_t>(hint_ - 1);  // slot() leaves the hint just after the slot it found
}

void Info::set(std::string_view key, std::string_view v) {
  InfoValue& s = slot(key);
  if (auto* str = std::get_if<std::string>(&s)) {
    str->assign(v);
    return;
  }
  // a new string slot gets room for kStringCapacity characters at once: a later, longer value (a
  // phase or outcome name past the 15 characters kept inline) then reuses it instead of allocating
  // mid-run, after the first episode
  std::string str;
  str.reserve(std::max(v.size(), kStringCapacity));
  str.assign(v);
  s = std::move(str);
}

void Info::set(std::string_view key, const std::vector<float>& v) {
  InfoValue& s = slot(key);
  if (auto* vec = std::get_if<std::vector<float>>(&s)) vec->assign(v.begin(), v.end());
  else s = v;
}

const InfoValue* Info::find(std::string_view key) const {
  for (const auto& [k, v] : items_)
    if (k == key) return &v;
  return nullptr;
}

namespace {
template <class T>
const T& typed(const Info& info, std::string_view key, const char* type) {
  const InfoValue* v = info.find(key);
  if (v == nullptr) throw std::out_of_range("info has no key '" + std::string(key) + "'");
  const T* t = std::get_if<T>(v);
  if (t == nullptr)
    throw std::out_of_range("info key '" + std::string(key) + "' is not a " + type);
  return *t;
}
}  // namespace

bool Info::get_bool(std::string_view key) const { return typed<bool>(*this, key, "bool"); }
std::int64_t Info::get_int(std::string_view key) const { return typed<std::int64_t>(*this, key, "int"); }
double Info::get_double(std::string_view key) const {
  const InfoValue* v = find(key);
  if (v != nullptr)
    if (const auto* i = std::get_if<std::int64_t>(v)) return static_cast<double>(*i);
  return typed<double>(*this, key, "number");
}
const std::string& Info::get_string(std::string_view key) const {
  return typed<std::string>(*this, key, "string");
}
std::string_view Info::string_or_empty(std::string_view key) const {
  const InfoValue* v = find(key);
  if (v == nullptr) return {};
  const auto* s = std::get_if<std::string>(v);
  return s == nullptr ? std::string_view{} : std::string_view(*s);
}

std::uint64_t Info::new_layout() {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

void Info::set_value(std::size_t index, const InfoValue& v) {
  InfoValue& s = items_[index].second;
  if (s.index() != v.index()) {
    s = v;
    return;
  }
  std::visit([&s](const auto& x) {
    using T = std::decay_t<decltype(x)>;
    auto& dst = std::get<T>(s);
    if constexpr (std::is_same_v<T, std::string>) dst.assign(x);
    else if constexpr (std::is_same_v<T, std::vector<float>>) dst.assign(x.begin(), x.end());
    else dst = x;
  }, v);
}

void Info::set_values(const Info& other) {
  const auto& from = other.items_;
  for (std::size_t i = 0; i < from.size(); ++i) {
    const InfoValue& v = from[i].second;
    InfoValue& s = items_[i].second;
    // set_value() without its call and visit per value: scalars are stored, a string equal to the
    // one held (an epoch or condition name) is not copied again
    if (s.index() == v.index()) {
      switch (v.index()) {
        case 0: *std::get_if<bool>(&s) = *std::get_if<bool>(&v); continue;
        case 1: *std::get_if<std::int64_t>(&s) = *std::get_if<std::int64_t>(&v); continue;
        case 2: *std::get_if<double>(&s) = *std::get_if<double>(&v); continue;
        case 3: {
          auto& dst = *std::get_if<std::string>(&s);
          const auto& src = *std::get_if<std::string>(&v);
          if (dst != src) overwrite(dst, src);
          continue;
        }
        default: break;
      }
    }
    set_value(i, v);
  }
}

void Info::merge(const Info& other) {
  for (const auto& [k, v] : other.items_) {
    slot(k);
    set_value(hint_ - 1, v);  // slot() leaves the hint just after the slot it found
  }
}

}  // namespace sgym
