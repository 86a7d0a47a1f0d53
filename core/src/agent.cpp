#include "sgym/agent.hpp"

#include <cstring>

#include "sgym/error.hpp"

namespace sgym {

namespace {
constexpr char kMagic[8] = {'S', 'G', 'Y', 'M', 'A', 'G', 'N', 'T'};
constexpr std::uint32_t kFormatVersion = 1;
}  // namespace

Agent::Agent(std::string id, Space observation_space, Space action_space, std::uint64_t seed)
    : rng_(seed), obs_space_(std::move(observation_space)), act_space_(std::move(action_space)),
      id_(std::move(id)) {}

// file: magic, format version, agent id, state version, spaces, rng, training flag,
// derived state, then FNV-1a of everything before it
std::string Agent::serialize() const {
  StateWriter w;
  w.u32(kFormatVersion);
  w.str(id_);
  w.u32(state_version());
  w.str(obs_space_.describe());
  w.str(act_space_.describe());
  for (auto word : rng_.state()) w.u64(word);
  w.boolean(training_);
  StateWriter derived;
  save_state(derived);
  w.str(derived.bytes());
  std::string out(kMagic, sizeof kMagic);
  out += w.bytes();
  const std::uint64_t h = fnv1a64(out.data(), out.size());
  out.append(reinterpret_cast<const char*>(&h), 8);
  return out;
}

void Agent::deserialize(std::string_view bytes, const std::string& where) {
  if (bytes.size() < sizeof kMagic + 8 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    throw FileFormatError(where + " is not a Synaptic Gym agent file (bad magic or too short)");
  std::uint64_t stored;
  std::memcpy(&stored, bytes.data() + bytes.size() - 8, 8);
  if (fnv1a64(bytes.data(), bytes.size() - 8) != stored)
    throw FileFormatError(where + " is corrupt or truncated (checksum mismatch)");
  StateReader r(bytes.substr(sizeof kMagic, bytes.size() - sizeof kMagic - 8));
  const auto format = r.u32();
  if (format != kFormatVersion)
    throw FileFormatError(where + " has file format " + std::to_string(format) +
                          ", this build reads format " + std::to_string(kFormatVersion));
  const auto id = r.str();
  if (id != id_)
    throw FileFormatError(where + " holds agent '" + id + "', not '" + id_ + "'");
  const auto version = r.u32();
  if (version != state_version())
    throw FileFormatError(where + " holds " + id + " state version " + std::to_string(version) +
                          ", this build reads version " + std::to_string(state_version()));
  const auto obs = r.str(), act = r.str();
  if (obs != obs_space_.describe() || act != act_space_.describe())
    throw FileFormatError(where + " was saved for observation space " + obs + " and action space " +
                          act + ", but this agent has " + obs_space_.describe() + " and " +
                          act_space_.describe());
  Rng::State st;
  for (auto& word : st) word = r.u64();
  const bool training = r.boolean();
  const std::string derived = r.str();
  if (!r.at_end()) throw FileFormatError(where + " has trailing bytes");
  StateReader dr(derived);
  load_state(dr);
  if (!dr.at_end()) throw FileFormatError(where + ": agent state has trailing bytes");
  rng_.set_state(st);
  training_ = training;
}

void Agent::save(const std::filesystem::path& path) const { write_file_atomic(path, serialize()); }

void Agent::load(const std::filesystem::path& path) { from_bytes(read_file(path), path.string()); }

void Agent::from_bytes(std::string_view bytes, const std::string& where) {
  const std::string backup = serialize();
  try {
    deserialize(bytes, where);
  } catch (const FileFormatError& e) {
    // leave the agent as it was: restore from the in-memory copy
    deserialize(backup, "in-memory backup");
    const std::string msg = e.what();
    if (msg.rfind(where, 0) == 0) throw;
    throw FileFormatError(where + ": " + msg);
  }
}

}  // namespace sgym
