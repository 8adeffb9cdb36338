#include "chip/chip_costs.h"

#include <cmath>
#include <fstream>

#include "common/error.h"
#include "common/input_limits.h"
#include "config/config.h"
#include "device/synapse_array.h"
#include "hw/hw_rng.h"

namespace mx {

namespace {
uint64_t to_ps(double ns) { return static_cast<uint64_t>(std::llround(ns * 1000.0)); }
uint64_t cycles_for(double ns, uint64_t cycle_ps) {
  const uint64_t ps = to_ps(ns);
  return ps <= cycle_ps ? 1 : (ps + cycle_ps - 1) / cycle_ps;
}
}  // namespace

Tech load_tech(const Config& config) {
  const json& value = config.at("tech");
  if (value.is_string()) {
    const std::string path = value.get<std::string>();
    return Tech::from_json(parse_json_text(read_file_capped(path, kMaxInputFileBytes, "tech file"), path), path);
  }
  if (!value.is_object()) throw Error("'tech': expected a tech file path or an object of overrides, got " + value.dump());
  Tech tech = Tech::defaults();
  tech.apply_overrides(value, "tech");
  return tech;
}

ChipCosts make_chip_costs(const Config& config, const Tech& tech, const HwRng& rng, unsigned n_mem,
                          unsigned mesh_width, unsigned mesh_height) {
  ChipCosts c;
  const double frequency = config.get_double("clock.frequency_hz");
  c.cycle_ps = static_cast<uint64_t>(std::llround(1e12 / frequency));
  if (c.cycle_ps == 0) throw Error("'clock.frequency_hz': above 1 THz the 1 ps time resolution cannot hold a cycle");

  // A spike drives its row for one DAC cycle; a multi-bit DAC (System B) costs its bits in
  // cycles of the same driver (PUMA's per-cycle figure).
  const TechEntry& dac = tech.at("dac_row_drive");
  const unsigned dac_bits = static_cast<unsigned>(config.get_uint("dac.bits"));
  const unsigned dac_cycles = dac_bits > 1 ? dac_bits : 1;
  c.row_drive_aj = to_attojoules(dac.energy_pj * dac_cycles);
  c.row_drive_ps = to_ps(dac.latency_ns * dac_cycles);
  const TechEntry& read = tech.at("rram_read");
  // V² x t x 1 µS in pJ: V² (V²) x latency_ns 1e-9 s x 1e-6 S x 1e12 pJ/J.
  c.read_aj_per_us = to_attojoules(read.read_pj_per_microsiemens());
  c.settle_ps = to_ps(read.latency_ns);
  // An ideal converter stands for no particular circuit: it is priced, built (area_power) and
  // shipped over the mesh as one adc.ideal_bits converter, so its bill, its area and its traffic
  // describe one stated part.
  const unsigned adc_bits = static_cast<unsigned>(config.get_uint("adc.bits"));
  const unsigned costed_adc_bits = adc_bits ? adc_bits : static_cast<unsigned>(config.get_uint("adc.ideal_bits"));
  const TechEntry adc = tech.adc_conversion(costed_adc_bits);
  c.conversion_aj = to_attojoules(adc.energy_pj);
  c.conversion_ps = to_ps(adc.latency_ns);
  c.columns_per_adc = static_cast<unsigned>(config.get_uint("adc.columns_per_adc"));

  c.neuron_update_aj = to_attojoules(tech.at("neuron_update").energy_pj);
  c.lanes = static_cast<unsigned>(config.get_uint("core.lanes"));

  // The digital unit's work in floating-point operations (Horowitz's figures): an activation
  // is a gain multiply and a clamp (one add-class compare); an error term a multiply and an
  // add (softmax's exponential counted as a lut_read); a gradient word a multiply-accumulate.
  // A weight step: Adam's two moment updates (3 multiplies, 2 adds each, with the square),
  // the bias-corrected step (a square root and a divide, each counted as a multiply, plus an
  // add and a multiply), the gate's exponential (lut_read) and scaling (1 multiply, 2 adds),
  // the new weight (1 add) and the rounding check (2 compares = 2 adds): 10 multiplies, 9
  // adds and one lookup; SGD: 1 multiply, 5 adds and the lookup.
  c.fp_mult_aj = to_attojoules(tech.at("fp32_mult").energy_pj);
  c.fp_add_aj = to_attojoules(tech.at("fp32_add").energy_pj);
  const int64_t lookup_aj = to_attojoules(tech.at("lut_read").energy_pj);
  c.activation_aj = c.fp_mult_aj + c.fp_add_aj;
  c.error_term_aj = c.fp_mult_aj + c.fp_add_aj + lookup_aj;
  c.gradient_word_aj = c.fp_mult_aj + c.fp_add_aj;
  const bool adam = config.get_string("qnn.optimizer") == "adam";
  c.weight_step_aj = (adam ? 10 * c.fp_mult_aj + 9 * c.fp_add_aj : c.fp_mult_aj + 5 * c.fp_add_aj) + lookup_aj;

  const TechEntry draw = rng_draw_cost(rng, tech);
  c.rng_draw_aj = to_attojoules(draw.energy_pj);
  // Digital blocks run on the chip clock: a draw takes the generator's cycles, a lookup and
  // compare one cycle, an SRAM access the cycles its macro needs (at least one).
  c.rng_draw_ps = static_cast<uint64_t>(rng.clock_cycles_per_draw()) * c.cycle_ps;
  c.p_lookup_aj = to_attojoules(tech.at("lut_read").energy_pj);
  c.comparator_aj = to_attojoules(tech.at("comparator").energy_pj);
  c.controller_op_ps = c.cycle_ps;
  c.sram_read_bit_aj = to_attojoules(tech.at("sram_read_bit").energy_pj);
  c.sram_write_bit_aj = to_attojoules(tech.at("sram_write_bit").energy_pj);
  c.sram_access_ps = cycles_for(tech.at("sram_read_bit").latency_ns, c.cycle_ps) * c.cycle_ps;
  c.m_bits = static_cast<unsigned>(config.get_uint("memory.m_bits"));
  c.acc_bits = static_cast<unsigned>(config.get_uint("memory.acc_bits"));
  const TechEntry& set = tech.at("rram_set");
  const TechEntry& reset = tech.at("rram_reset");
  c.set_pulse_aj = to_attojoules(set.energy_pj);
  c.reset_pulse_aj = to_attojoules(reset.energy_pj);
  c.pulse_ps = to_ps(std::max(set.latency_ns, reset.latency_ns));
  // A verify read senses the one device being programmed (src/qnn/level_programmer).
  c.verify_read_aj = to_attojoules(read.energy_pj);
  c.verify_ps = to_ps(read.latency_ns);
  // The controller reads a synapse's devices for p_update = exp(-m |W|): a read of all n_mem
  // devices at the owning tile.
  c.weight_read_aj = to_attojoules(read.energy_pj * n_mem);
  c.weight_read_ps = c.verify_ps;
  // The tech table has no integer adder: the partial sums are charged as the 32-bit float
  // additions the model performs.
  c.partial_add_aj = to_attojoules(tech.at("fp32_add").energy_pj);
  c.write_verify = config.get_bool("controller.write_verify");

  c.flit_bits = static_cast<unsigned>(config.get_uint("mesh.flit_bits"));
  c.partial_word_bits = costed_adc_bits;
  c.mesh = mesh_spec_from_tech(tech, mesh_width, mesh_height, c.cycle_ps);
  return c;
}

int64_t device_read_aj(const ChipCosts& costs, EnergyLedger& ledger, ComponentId crossbar, Phase phase,
                       const SynapseArray& array) {
  const uint64_t us = ledger.count_quantity(crossbar, phase, array.take_read_microsiemens());
  int64_t aj = 0;
  if (us > static_cast<uint64_t>(INT64_MAX) || __builtin_mul_overflow(costs.read_aj_per_us, static_cast<int64_t>(us), &aj))
    throw Error("energy ledger: a tile read of " + std::to_string(us) + " uS at " + std::to_string(costs.read_aj_per_us) +
                " aJ per uS overflows the ledger's 64-bit attojoules (tech rram_read)");
  return aj;
}

}  // namespace mx
