#pragma once
// What an architect reads first: area, leakage and static energy per block instance, and the
// throughput and efficiency figures built on them — and the one place that prices a run's
// recorded event counts, so a finished run can be re-costed under another tech table
// without re-simulating (metaxbar recost). No SystemC here: the inventory and the counts
// are plain data, recorded into summary.json and read back.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "chip/chip_costs.h"
#include "chip/floorplan.h"
#include "hw/energy_ledger.h"
#include "hw/hw_rng.h"
#include "hw/tech.h"

namespace mx {

class Config;

// `count` copies of the tech entry `entry`'s block kind, reported under `component` (the
// ledger's component names where the block has one). ADC entries are read through
// Tech::adc_conversion, so interpolated widths price too.
struct BlockPart {
  std::string component;
  std::string entry;
  double count = 0;
};

struct BlockInstance {
  std::string name;  // "tile L0 r0 c1", "router 3", "core L1", "sram_m", ...
  std::string kind;  // tile | router | neuron_core | controller | rng | sram | digital_unit
  int layer = -1;    // -1: a chip-level block
  std::vector<BlockPart> parts;
};

// The SRAM each chip holds, in bits (0 = absent): System A's m and accumulators, System B's
// hidden weights, optimizer state and gradient buffer.
struct SramBits {
  uint64_t m = 0, acc = 0, hidden = 0, optimizer = 0, gradient = 0;
};

// Bits per SRAM bank, Horowitz's 8 KB array: the periphery entry is priced per bank.
constexpr uint64_t kSramBankBits = 65536;

// The generator a chip's update gate is costed as: the ideal one stands for the paper's
// floats but a chip needs a generator, so it is priced as an LFSR of rng.lfsr_width; System
// B draws nothing (network.kind qnn: no RNG block).
HwRngSpec costed_rng_spec(const Config& config);

// Every block instance of the chip: a tile per floorplan placement (its devices, row
// drivers, sense circuits, ADCs and write driver), a router per mesh node, a neuron core per
// layer, the learning controller and its RNG (System A) or the digital unit (System B), and
// one SRAM instance per kind of state.
std::vector<BlockInstance> chip_inventory(const Config& config, const Floorplan& plan, unsigned n_mem,
                                          const SramBits& sram);

nlohmann::json inventory_to_json(const std::vector<BlockInstance>& blocks);
std::vector<BlockInstance> inventory_from_json(const nlohmann::json& document, const std::string& where);

struct BlockFigures {
  double area_um2 = 0;
  double leakage_uw = 0;
};

// Area and leakage of each instance and of each component, from the tech table.
struct AreaLeakage {
  std::map<std::string, BlockFigures> by_block;
  std::map<std::string, BlockFigures> by_component;
  std::map<std::string, std::map<std::string, double>> block_component_leakage_uw;
  BlockFigures total;
};
AreaLeakage price_inventory(const Tech& tech, const std::vector<BlockInstance>& blocks);

// Static energy: leakage x chip time. With gating "idle_blocks" a block leaks only while
// busy (its busy_ps), and each sample in which it works costs one wake-up of `wakeup_ps`
// at its leakage (recharging its rails, the break-even cost of gating). Blocks without a
// busy time recorded are charged as never gated.
struct StaticInputs {
  std::string gating = "none";
  uint64_t chip_ps = 0;
  uint64_t samples = 0;
  uint64_t wakeup_ps = 0;
  std::map<std::string, uint64_t> busy_ps;  // per instance name
};
struct StaticEnergy {
  int64_t total_aj = 0;
  int64_t wakeup_aj = 0;
  std::map<std::string, int64_t> by_component_aj;
  std::vector<std::string> ungated;  // instances without a busy time (charged all the time)
};
StaticEnergy static_energy(const AreaLeakage& priced, const std::vector<BlockInstance>& blocks,
                           const StaticInputs& inputs);

// A run's event counts: how many of each priced event each ledger component saw in each
// phase. Pricing them with the run's own ChipCosts gives its ledger back exactly.
struct EventCount {
  std::string component;
  Phase phase = Phase::inference;
  std::string event;
  uint64_t count = 0;
};
// The price in aJ of one `event` of `component` at `costs`; mx::Error for an unknown pair.
int64_t event_price_aj(const ChipCosts& costs, const std::string& component, const std::string& event);
// The events a component is priced by (empty: it is not re-priceable from counts, e.g. the
// mesh, whose energy per packet depends on the hops each packet took).
std::vector<std::string> component_events(const std::string& component);
// The prices a component's energy depends on, to tell whether a non-re-priceable one
// changed between two tech tables.
std::vector<int64_t> component_prices(const ChipCosts& costs, const std::string& component);

nlohmann::json events_to_json(const std::vector<EventCount>& events);
std::vector<EventCount> events_from_json(const nlohmann::json& document, const std::string& where);

// The figures of one timed run: what summary.json's area_mm2, power_mw, throughput and
// efficiency sections hold.
struct RunTotals {
  int64_t dynamic_aj = 0;
  int64_t train_aj = 0, test_aj = 0;  // dynamic energy of the training and the test samples
  uint64_t train_samples = 0, test_samples = 0;
  uint64_t chip_ps = 0, train_ps = 0, test_ps = 0;
  uint64_t synaptic_ops = 0;
  double deployed_samples_per_s = 1;  // endurance.samples_per_s
};
nlohmann::json architect_figures(const AreaLeakage& priced, const StaticEnergy& leak, const RunTotals& run,
                                 const StaticInputs& inputs);

}  // namespace mx
