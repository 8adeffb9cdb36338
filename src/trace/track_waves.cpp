#include "trace/track_waves.h"

namespace mx {

TrackWaves::TrackWaves(const ChromeTrace& vocabulary, size_t max_changes)
    : vocabulary_(vocabulary), writer_(max_changes) {}

void TrackWaves::declare(int track) {
  if (static_cast<size_t>(track) >= busy_.size()) busy_.resize(static_cast<size_t>(track) + 1, -1);
  if (busy_[static_cast<size_t>(track)] < 0)
    busy_[static_cast<size_t>(track)] = writer_.signal(vocabulary_.track_name(track), "busy", kCountBits);
}

void TrackWaves::interval(int track, ChromeTrace::NameId name, uint64_t start_ps, uint64_t end_ps) {
  if (!recording || end_ps <= start_ps) return;
  declare(track);
  writer_.interval(busy_[static_cast<size_t>(track)], start_ps, end_ps);
  const uint64_t key = (static_cast<uint64_t>(static_cast<uint32_t>(track)) << 32) | name;
  auto it = work_.find(key);
  if (it == work_.end())
    it = work_.emplace(key, writer_.signal(vocabulary_.track_name(track), vocabulary_.name_text(name), kCountBits))
             .first;
  writer_.interval(it->second, start_ps, end_ps);
}

}  // namespace mx
