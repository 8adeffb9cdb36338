#pragma once
// What every block of the chip shares: the energy ledger (one component per kind of block),
// the per-operation costs, and the trace recorders — the timeline and, with trace.vcd, the
// waveforms — each on only for the samples of its window.
#include <algorithm>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "chip/chip_costs.h"
#include "common/error.h"
#include "hw/energy_ledger.h"
#include "trace/chrome_trace.h"
#include "trace/track_waves.h"

namespace mx {

constexpr ComponentId kAbsentComponent = std::numeric_limits<ComponentId>::max();

struct ChipComponents {
  ComponentId row_drivers, crossbar, adc, noc, neuron_cores, error_unit, rng, p_table, sram_m, sram_acc,
      write_pulses, verify_reads;
  // System B's digital unit: its arithmetic, and its SRAM for hidden weights, optimizer
  // state and the mini-batch gradient buffer (absent on the spiking chip).
  ComponentId digital_unit = kAbsentComponent, sram_hidden = kAbsentComponent,
              sram_optimizer = kAbsentComponent, sram_gradient = kAbsentComponent;
};

// What one block instance did: the sum of the intervals its resources were reserved for and
// the energy charged to it (summary.json's `blocks`).
struct BlockRecord {
  std::string name, kind;
  int layer = -1;  // -1: the block serves no single layer
  uint64_t busy_ps = 0;
  int64_t energy_aj = 0;
};

// Chip time is uint64 picoseconds: 2^64 ps (1.8e19) is 213 days. Before a run starts
// (check_chip_latencies) every tech entry's latency is held to at most 1 ms (the cycle of the
// slowest allowed clock, 1 kHz) and every latency the chip derives from them to 16 of those
// (a 16-bit DAC's 16 drive cycles), so one transaction's count times its latency — at most a
// layer's 784 x 10^6 synapses x 1.6e10 ps = 1.25e19 — cannot wrap; a reservation whose end
// would still pass 2^64 stops the run with an error naming its block instead of wrapping.
constexpr double kMaxOperationNs = 1e6;
constexpr uint64_t kMaxDerivedPs = 16'000'000'000;

// start + duration, or an mx::Error naming `what` when the sum passes 2^64 ps.
// `what` + `detail` name the clock in the error; they are views, joined only on overflow,
// because every reservation passes them (building a string each time was ~8 % of a timed run).
inline uint64_t add_chip_time(uint64_t start_ps, uint64_t duration_ps, std::string_view what,
                              std::string_view detail = {}) {
  uint64_t sum = 0;
  if (__builtin_add_overflow(start_ps, duration_ps, &sum))
    throw Error("chip time: " + std::string(what) + std::string(detail) + " at " + std::to_string(start_ps) +
                " ps + " + std::to_string(duration_ps) + " ps overflows the 64-bit picosecond clock (2^64 ps = 213 days)");
  return sum;
}

// One resource of a block (a port, a write driver, a generator, a bank): a request takes it
// from max(ready, busy_until) for its duration. Targets never wait(): the reservation is the
// timing.
class Resource {
 public:
  void attach(BlockRecord* owner) { owner_ = owner; }
  // Returns when the work finishes; start() is when it began.
  uint64_t reserve(uint64_t ready_ps, uint64_t duration_ps) {
    start_ps_ = std::max(ready_ps, busy_until_ps_);
    busy_until_ps_ = add_chip_time(start_ps_, duration_ps, owner_ ? std::string_view(owner_->name) : "a resource");
    if (owner_) owner_->busy_ps = add_chip_time(owner_->busy_ps, duration_ps, owner_->name, "'s busy time");
    return busy_until_ps_;
  }
  uint64_t start() const { return start_ps_; }
  uint64_t busy_until() const { return busy_until_ps_; }

 private:
  BlockRecord* owner_ = nullptr;
  uint64_t busy_until_ps_ = 0, start_ps_ = 0;
};

// Which chip the ledger describes: the spiking one (System A) or the perceptron with its
// digital unit (System B), which adds the unit's components.
enum class ChipKind { spiking, perceptron };

struct ChipContext {
  EnergyLedger ledger;
  ChipComponents components{};
  ChipCosts costs;
  ChromeTrace timeline;  // enabled inside trace.window_samples
  std::unique_ptr<TrackWaves> waves;  // trace.vcd; recording inside trace.vcd_window_samples
  bool recording = false;  // either of them records this sample
  std::deque<BlockRecord> blocks;  // stable addresses: blocks keep a pointer to their record
  // Counts of events the ledger does not tell apart, by phase, for recost (the mesh's hops).
  std::map<std::string, uint64_t> event_counts[2];

  BlockRecord& add_block(const std::string& name, const std::string& kind, int layer = -1) {
    blocks.push_back(BlockRecord{name, kind, layer, 0, 0});
    return blocks.back();
  }
  // Charges the ledger and the block that spent it.
  void charge(BlockRecord& block, ComponentId id, Phase phase, int64_t attojoules, uint64_t count = 1) {
    ledger.charge(id, phase, attojoules, count);
    block.energy_aj += attojoules;
  }

  explicit ChipContext(const ChipCosts& chip_costs, ChipKind kind = ChipKind::spiking) : costs(chip_costs) {
    ChipComponents& c = components;
    c.row_drivers = ledger.add_component("row_drivers");
    c.crossbar = ledger.add_component("crossbar");
    c.adc = ledger.add_component("adc");
    c.noc = ledger.add_component("noc");
    c.neuron_cores = ledger.add_component("neuron_cores");
    c.error_unit = ledger.add_component("error_unit");
    c.rng = ledger.add_component("rng");
    c.p_table = ledger.add_component("p_table");
    c.sram_m = ledger.add_component("sram_m");
    c.sram_acc = ledger.add_component("sram_acc");
    c.write_pulses = ledger.add_component("write_pulses");
    c.verify_reads = ledger.add_component("verify_reads");
    if (kind == ChipKind::perceptron) {
      c.digital_unit = ledger.add_component("digital_unit");
      c.sram_hidden = ledger.add_component("sram_hidden");
      c.sram_optimizer = ledger.add_component("sram_optimizer");
      c.sram_gradient = ledger.add_component("sram_gradient");
    }
  }

  // The components whose learning-phase energy is the parameter-update energy: what
  // deciding and applying weight updates costs (RNG draws, p_update lookups and
  // comparisons, m and accumulator SRAM; System B's optimizer arithmetic and its hidden-
  // weight, optimizer-state and gradient SRAM) plus the write pulses and verify reads. The
  // error computation is learning-phase work every rule needs and stays out.
  std::vector<ComponentId> update_components() const {
    const ChipComponents& c = components;
    std::vector<ComponentId> ids = {c.rng, c.p_table, c.sram_m, c.sram_acc, c.write_pulses, c.verify_reads};
    for (ComponentId id : {c.digital_unit, c.sram_hidden, c.sram_optimizer, c.sram_gradient})
      if (id != kAbsentComponent) ids.push_back(id);
    return ids;
  }

  // A busy interval on a named track, for the timeline and the waveforms, when recording.
  void slice(int track, ChromeTrace::NameId name, uint64_t start_ps, uint64_t end_ps) {
    if (!recording || end_ps <= start_ps) return;
    timeline.slice(track, name, start_ps, end_ps - start_ps);
    if (waves) waves->interval(track, name, start_ps, end_ps);
  }
};

}  // namespace mx
