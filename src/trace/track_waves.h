#pragma once
// The timed chip's waveforms (signals.vcd): one scope per timeline track (a tile, its ADC
// bank, a router, a neuron core, a controller, an RNG, an SRAM, the digital unit) with a
// `busy` count — how many of the track's intervals are in progress: 0 idle, 1 busy, more
// when the block holds overlapping work (parallel write drivers, bursts queued in a
// router) — and one count per kind of work seen on it (`read`, `SET`, `burst`, `decide`,
// `grow_m`, ...), fed by the same exact-picosecond intervals as timeline.json. Signals of
// the chip as a whole (sample, task, step, spike counts) are set directly on the writer.
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "trace/chrome_trace.h"
#include "trace/vcd_writer.h"

namespace mx {

class TrackWaves {
 public:
  static constexpr unsigned kCountBits = 16;

  // `vocabulary`: the timeline whose track and event names the scopes and signals take.
  TrackWaves(const ChromeTrace& vocabulary, size_t max_changes);

  // Declares the track's scope and its `busy` count (so an idle block still has its signal).
  void declare(int track);
  // An interval of work `name` on `track`.
  void interval(int track, ChromeTrace::NameId name, uint64_t start_ps, uint64_t end_ps);

  VcdWriter& writer() { return writer_; }
  const VcdWriter& writer() const { return writer_; }
  // Whether the current sample is inside trace.vcd_window_samples.
  bool recording = false;

 private:
  const ChromeTrace& vocabulary_;
  VcdWriter writer_;
  std::vector<int> busy_;  // by track id; -1: not declared yet
  std::unordered_map<uint64_t, int> work_;  // (track, name) -> signal
};

}  // namespace mx
