#pragma once
// Per-operation energy (integer attojoules) and latency (integer picoseconds) of every block,
// derived once from the tech table and the chip config, so the timed model's hot path only
// multiplies counts. Each figure's formula is here, and its constants' sources are in the
// tech table.
#include <cstdint>

#include "hw/energy_ledger.h"
#include "hw/mesh_noc.h"
#include "hw/tech.h"

namespace mx {

class Config;
class HwRng;
class SynapseArray;

struct ChipCosts {
  uint64_t cycle_ps = 1000;

  // Crossbar tile read: drive the spiking rows, let the bit lines settle, convert.
  int64_t row_drive_aj = 0;      // per driven row (DAC / row driver, dac.bits)
  // Per µS of conductance read (drive² weighted): a device of conductance G read at drive x
  // dissipates (x V)² G t, V and t the tech table's rram_read voltage_v and latency_ns.
  int64_t read_aj_per_us = 0;
  int64_t conversion_aj = 0;     // per converted column (ADC at adc.bits)
  uint64_t row_drive_ps = 0, settle_ps = 0, conversion_ps = 0;
  unsigned columns_per_adc = 8;
  // Latency of one tile read converting `columns` bit lines.
  uint64_t tile_read_ps(size_t columns) const {
    const uint64_t conversions_per_adc = columns < columns_per_adc ? columns : columns_per_adc;
    return row_drive_ps + settle_ps + conversions_per_adc * conversion_ps;
  }

  // Neuron cores: one update per neuron per step, `lanes` neurons per cycle.
  int64_t neuron_update_aj = 0;
  int64_t partial_add_aj = 0;  // one partial sum added into a neuron's input
  unsigned lanes = 32;
  uint64_t core_ps(size_t neurons) const { return (neurons + lanes - 1) / lanes * cycle_ps; }

  // Learning controller.
  int64_t rng_draw_aj = 0;
  uint64_t rng_draw_ps = 0;
  int64_t p_lookup_aj = 0;       // one p_update table read (or exp unit) per evaluation
  int64_t comparator_aj = 0;     // one comparison with the draw per evaluation
  uint64_t controller_op_ps = 0;
  int64_t sram_read_bit_aj = 0, sram_write_bit_aj = 0;
  uint64_t sram_access_ps = 0;
  unsigned m_bits = 8, acc_bits = 16;
  int64_t weight_read_aj = 0;  // the controller's read of one synapse (n_mem devices)
  uint64_t weight_read_ps = 0;
  int64_t set_pulse_aj = 0, reset_pulse_aj = 0, verify_read_aj = 0;
  uint64_t pulse_ps = 0, verify_ps = 0;
  bool write_verify = false;

  // System B's digital unit: `lanes` 32-bit floating-point operations per cycle. The
  // operation counts per kind of work are in make_chip_costs.
  int64_t fp_mult_aj = 0, fp_add_aj = 0;
  int64_t activation_aj = 0;   // per hidden activation or logit: gain multiply, clamp
  int64_t error_term_aj = 0;   // per output error or back-propagated hidden error
  int64_t gradient_word_aj = 0;  // per gradient multiply-accumulate
  int64_t weight_step_aj = 0;  // per hidden weight the optimizer, the gate and the rounding visit
  uint64_t lane_ops_ps(uint64_t operations) const { return (operations + lanes - 1) / lanes * cycle_ps; }

  // Spike mesh: a spike is one packet; a tile's partial sums take word_bits x columns / flit.
  MeshSpec mesh;
  unsigned flit_bits = 64, partial_word_bits = 32;
  uint64_t partial_sum_packets(size_t columns) const {
    return (columns * partial_word_bits + flit_bits - 1) / flit_bits;
  }
};

// `rng` is the gate's generator (its kind and bits set the draw cost); mesh size from the floorplan.
ChipCosts make_chip_costs(const Config& config, const Tech& tech, const HwRng& rng, unsigned n_mem,
                          unsigned mesh_width, unsigned mesh_height);

// The energy of the reads a tile has just made from `array`: read_aj_per_us x the µS the
// array has read since the last charge (SynapseArray::take_read_microsiemens), which is also
// counted into the ledger as `crossbar`'s priced quantity, so that recost re-prices it exactly.
int64_t device_read_aj(const ChipCosts& costs, EnergyLedger& ledger, ComponentId crossbar, Phase phase,
                       const SynapseArray& array);

// The tech table of a run: defaults, then the `tech` key (a file path or inline overrides).
Tech load_tech(const Config& config);

}  // namespace mx
