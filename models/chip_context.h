#pragma once
// What every block of the chip shares: the energy ledger (one component per kind of block),
// the per-operation costs, and the timeline recorder, which is on only for the samples in
// the trace window.
#include <string>

#include "chip/chip_costs.h"
#include "hw/energy_ledger.h"
#include "trace/chrome_trace.h"

namespace mx {

struct ChipComponents {
  ComponentId row_drivers, crossbar, adc, noc, neuron_cores, error_unit, rng, p_table, sram_m, sram_acc,
      write_pulses, verify_reads;
};

struct ChipContext {
  EnergyLedger ledger;
  ChipComponents components{};
  ChipCosts costs;
  ChromeTrace timeline;
  bool recording = false;

  explicit ChipContext(const ChipCosts& chip_costs) : costs(chip_costs) {
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
  }

  // A busy interval on a named track of the timeline, when recording.
  void slice(int track, ChromeTrace::NameId name, uint64_t start_ps, uint64_t end_ps) {
    if (recording && end_ps > start_ps) timeline.slice(track, name, start_ps, end_ps - start_ps);
  }
};

}  // namespace mx
