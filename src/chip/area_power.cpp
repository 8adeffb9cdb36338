#include "chip/area_power.h"

#include <algorithm>
#include <cmath>

#include "chip/chip_schema.h"
#include "common/error.h"
#include "config/config.h"
#include "learning/learning_rule.h"
#include "learning/update_gate.h"

namespace mx {

namespace {

using json = nlohmann::json;

const std::string kAdcPrefix = "adc_conversion_";

TechEntry part_entry(const Tech& tech, const std::string& entry) {
  if (entry.compare(0, kAdcPrefix.size(), kAdcPrefix) == 0) {
    const std::string digits = entry.substr(kAdcPrefix.size(), entry.size() - kAdcPrefix.size() - 3);
    return tech.adc_conversion(static_cast<unsigned>(std::stoul(digits)));
  }
  return tech.at(entry);
}

uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

// `banks` (sram.banks) splits the array; a bank holds at most kSramBankBits, so a large
// state takes more banks than asked for. Each bank has its own periphery.
void add_sram(std::vector<BlockInstance>& blocks, const std::string& name, uint64_t bits, uint64_t banks) {
  if (bits == 0) return;
  banks = std::max<uint64_t>(banks, ceil_div(bits, kSramBankBits));
  blocks.push_back({name, "sram", -1,
                    {{name, "sram_cell", static_cast<double>(bits)},
                     {name, "sram_bank_periphery", static_cast<double>(banks)}}});
}

double mm2(double um2) { return um2 * 1e-6; }
double pj(double aj) { return aj * 1e-6; }

}  // namespace

HwRngSpec costed_rng_spec(const Config& config) {
  if (config.get_string("network.kind") == "qnn") return HwRngSpec{RngKind::lfsr};
  HwRngSpec spec = gate_spec(config).rng;
  if (spec.kind == RngKind::ideal) spec.kind = RngKind::lfsr;
  return spec;
}

std::vector<BlockInstance> chip_inventory(const Config& config, const Floorplan& plan, unsigned n_mem,
                                          const SramBits& sram) {
  std::vector<BlockInstance> blocks;
  // The chip description (chip.*, sram.banks, tile.write_drivers): how many cores,
  // controllers, generators, banks and write drivers the chip is built with.
  const ChipDescription d = chip_description(config);
  const double rows = static_cast<double>(plan.grid.tile_rows), cols = static_cast<double>(plan.grid.tile_cols);
  const uint64_t per_adc = config.get_uint("adc.columns_per_adc");
  // An ideal converter (adc.bits 0) is built, and costed, as an adc.ideal_bits one.
  const uint64_t adc_bits = config.get_uint("adc.bits");
  const std::string adc =
      Tech::adc_conversion_name(static_cast<unsigned>(adc_bits ? adc_bits : config.get_uint("adc.ideal_bits")));
  // A tile is its physical array whatever part of it the layer uses: the rows and columns
  // it was built with, every cross-point holding n_mem devices.
  for (const TilePlacement& tile : plan.tiles)
    blocks.push_back({"tile " + tile.name(), "tile", static_cast<int>(tile.layer),
                      {{"crossbar", "device_cell", rows * cols * n_mem},
                       {"row_drivers", "dac_row_drive", rows},
                       {"sense", "sense_circuit", cols},
                       {"adc", adc, static_cast<double>(ceil_div(plan.grid.tile_cols, per_adc))},
                       {"write_drivers", "write_driver", static_cast<double>(d.write_drivers)}}});
  for (unsigned r = 0; r < plan.routers(); ++r)
    blocks.push_back({"router " + std::to_string(r), "router", -1, {{"noc", "router", 1}}});

  const double lanes = static_cast<double>(config.get_uint("core.lanes"));
  if (config.get_string("network.kind") == "qnn") {
    // System B: the digital unit forms activations, errors and the optimizer's steps.
    blocks.push_back({"digital unit", "digital_unit", -1,
                      {{"digital_unit", "fp32_mult", lanes}, {"digital_unit", "fp32_add", lanes}}});
  } else {
    for (int layer = 0; layer < 2; ++layer)
      for (unsigned core = 0; core < d.cores_per_layer; ++core)
        blocks.push_back({"core L" + std::to_string(layer) + (d.cores_per_layer > 1 ? " #" + std::to_string(core) : ""),
                          "neuron_core", layer, {{"neuron_cores", "neuron_lane", lanes}}});
    // Controllers: one for the chip, one per layer or one per tile; generators: one per
    // controller or one per tile.
    std::vector<std::pair<std::string, int>> controllers, rngs;
    if (d.controllers == ControllerPlacement::chip) controllers.push_back({"controller", -1});
    else if (d.controllers == ControllerPlacement::layer)
      for (int layer = 0; layer < 2; ++layer) controllers.push_back({"controller L" + std::to_string(layer), layer});
    else
      for (const TilePlacement& tile : plan.tiles) controllers.push_back({"controller " + tile.name(), static_cast<int>(tile.layer)});
    if (d.rngs == RngPlacement::tile)
      for (const TilePlacement& tile : plan.tiles) rngs.push_back({"rng " + tile.name(), static_cast<int>(tile.layer)});
    else
      for (const auto& [name, layer] : controllers) rngs.push_back({"rng" + name.substr(10), layer});
    for (const auto& [name, layer] : controllers)
      blocks.push_back({name, "controller", layer, {{"controller", "controller_logic", 1}, {"p_table", "comparator", 1}}});
    const HwRngSpec rng = costed_rng_spec(config);
    std::vector<BlockPart> parts;
    switch (rng.kind) {
      case RngKind::xorshift32: parts = {{"rng", "xorshift32_draw", 1}}; break;
      case RngKind::trng: parts = {{"rng", "trng_bit", 1}}; break;
      default: {
        // Galois LFSR: one flip-flop per register bit, one XOR per tap but the top one.
        const unsigned width = rng.lfsr_width;
        const double xors = static_cast<double>(__builtin_popcount(lfsr_tap_mask(width)) - 1);
        parts = {{"rng", "lfsr_flipflop_bit", static_cast<double>(width)}, {"rng", "lfsr_xor", xors}};
      }
    }
    for (const auto& [name, layer] : rngs) blocks.push_back({name, "rng", layer, parts});
  }
  add_sram(blocks, "sram_m", sram.m, d.sram_banks);
  add_sram(blocks, "sram_acc", sram.acc, d.sram_banks);
  add_sram(blocks, "sram_hidden", sram.hidden, d.sram_banks);
  add_sram(blocks, "sram_optimizer", sram.optimizer, d.sram_banks);
  add_sram(blocks, "sram_gradient", sram.gradient, d.sram_banks);
  return blocks;
}

json inventory_to_json(const std::vector<BlockInstance>& blocks) {
  json list = json::array();
  for (const BlockInstance& b : blocks) {
    json parts = json::array();
    for (const BlockPart& p : b.parts) parts.push_back({{"component", p.component}, {"entry", p.entry}, {"count", p.count}});
    list.push_back({{"name", b.name}, {"kind", b.kind}, {"layer", b.layer}, {"parts", parts}});
  }
  return list;
}

std::vector<BlockInstance> inventory_from_json(const json& document, const std::string& where) {
  if (!document.is_array()) throw Error(where + ": expected the list of block instances, got " + document.dump().substr(0, 60));
  std::vector<BlockInstance> blocks;
  try {
    for (const json& b : document) {
      BlockInstance block{b.at("name").get<std::string>(), b.at("kind").get<std::string>(), b.at("layer").get<int>(), {}};
      for (const json& p : b.at("parts"))
        block.parts.push_back({p.at("component").get<std::string>(), p.at("entry").get<std::string>(),
                               p.at("count").get<double>()});
      blocks.push_back(std::move(block));
    }
  } catch (const json::exception& e) {
    throw Error(where + ": malformed block instance (" + e.what() + ")");
  }
  return blocks;
}

AreaLeakage price_inventory(const Tech& tech, const std::vector<BlockInstance>& blocks) {
  AreaLeakage result;
  for (const BlockInstance& b : blocks) {
    BlockFigures& block = result.by_block[b.name];
    for (const BlockPart& p : b.parts) {
      const TechEntry e = part_entry(tech, p.entry);
      const BlockFigures part{p.count * e.area_um2, p.count * e.leakage_uw};
      block.area_um2 += part.area_um2;
      block.leakage_uw += part.leakage_uw;
      result.block_component_leakage_uw[b.name][p.component] += part.leakage_uw;
      BlockFigures& component = result.by_component[p.component];
      component.area_um2 += part.area_um2;
      component.leakage_uw += part.leakage_uw;
      result.total.area_um2 += part.area_um2;
      result.total.leakage_uw += part.leakage_uw;
    }
  }
  return result;
}

StaticEnergy static_energy(const AreaLeakage& priced, const std::vector<BlockInstance>& blocks,
                           const StaticInputs& inputs) {
  if (inputs.gating != "none" && inputs.gating != "idle_blocks")
    throw Error("'power.gating': expected \"none\" or \"idle_blocks\", got \"" + inputs.gating + "\"");
  StaticEnergy result;
  for (const BlockInstance& b : blocks) {
    double on_ps = static_cast<double>(inputs.chip_ps), wakeup_ps = 0;
    if (inputs.gating == "idle_blocks") {
      auto busy = inputs.busy_ps.find(b.name);
      if (busy == inputs.busy_ps.end()) {
        result.ungated.push_back(b.name);
      } else {
        on_ps = static_cast<double>(busy->second);
        wakeup_ps = busy->second > 0 ? static_cast<double>(inputs.samples * inputs.wakeup_ps) : 0;
      }
    }
    // 1 uW for 1 ps is 1 aJ; each component of the block is rounded once, so the
    // components add up to the total exactly.
    for (const auto& [component, leakage_uw] : priced.block_component_leakage_uw.at(b.name)) {
      // int64 attojoules hold 9.2 J: a longer or leakier run is an error, not a wrapped sum.
      const double leak = leakage_uw * on_ps, wake = leakage_uw * wakeup_ps;
      int64_t sum = 0;
      if (!(leak + wake < 9.2e18) || __builtin_add_overflow(result.total_aj, std::llround(leak) + std::llround(wake), &sum))
        throw Error("static energy: " + b.name + "'s " + component + " leakage over the run's chip time overflows "
                    "the 64-bit attojoule ledger (9.2 J)");
      const int64_t leak_aj = std::llround(leak), wake_aj = std::llround(wake);
      result.by_component_aj[component] += leak_aj + wake_aj;
      result.total_aj = sum;
      result.wakeup_aj += wake_aj;
    }
  }
  return result;
}

namespace {

// One table: which events price each component, and each event's price in ChipCosts.
struct EventPrice {
  const char* component;
  const char* event;
  int64_t (*price)(const ChipCosts&);
};
constexpr const char* kSrams[] = {"sram_m", "sram_acc", "sram_hidden", "sram_optimizer", "sram_gradient"};
const std::vector<EventPrice>& event_prices() {
  static const std::vector<EventPrice> table = [] {
    std::vector<EventPrice> t = {
        {"row_drivers", "driven_row", [](const ChipCosts& c) { return c.row_drive_aj; }},
        {"crossbar", "conductance_read_us", [](const ChipCosts& c) { return c.read_aj_per_us; }},
        {"crossbar", "weight_read", [](const ChipCosts& c) { return c.weight_read_aj; }},
        {"adc", "conversion", [](const ChipCosts& c) { return c.conversion_aj; }},
        {"neuron_cores", "neuron_update", [](const ChipCosts& c) { return c.neuron_update_aj; }},
        {"error_unit", "neuron_update", [](const ChipCosts& c) { return c.neuron_update_aj; }},
        {"error_unit", "error_term", [](const ChipCosts& c) { return c.error_term_aj; }},
        {"rng", "draw", [](const ChipCosts& c) { return c.rng_draw_aj; }},
        {"p_table", "evaluation", [](const ChipCosts& c) { return c.p_lookup_aj + c.comparator_aj; }},
        {"write_pulses", "set_pulse", [](const ChipCosts& c) { return c.set_pulse_aj; }},
        {"write_pulses", "reset_pulse", [](const ChipCosts& c) { return c.reset_pulse_aj; }},
        {"verify_reads", "verify_read", [](const ChipCosts& c) { return c.verify_read_aj; }},
        {"digital_unit", "activation", [](const ChipCosts& c) { return c.activation_aj; }},
        {"digital_unit", "gradient_word", [](const ChipCosts& c) { return c.gradient_word_aj; }},
        {"digital_unit", "weight_step", [](const ChipCosts& c) { return c.weight_step_aj; }},
        // Per packet per link (a burst of n packets over h links is n x h hops), and per
        // packet delivered into its destination tile.
        {"noc", "east_west_hop", [](const ChipCosts& c) { return to_attojoules(c.mesh.east_west.energy_pj); }},
        {"noc", "north_south_hop", [](const ChipCosts& c) { return to_attojoules(c.mesh.north_south.energy_pj); }},
        {"noc", "delivery", [](const ChipCosts& c) { return to_attojoules(c.mesh.local.energy_pj); }},
    };
    for (const char* sram : kSrams) {
      t.push_back({sram, "read_bit", [](const ChipCosts& c) { return c.sram_read_bit_aj; }});
      t.push_back({sram, "write_bit", [](const ChipCosts& c) { return c.sram_write_bit_aj; }});
    }
    return t;
  }();
  return table;
}

}  // namespace

int64_t event_price_aj(const ChipCosts& costs, const std::string& component, const std::string& event) {
  for (const EventPrice& e : event_prices())
    if (component == e.component && event == e.event) return e.price(costs);
  throw Error("recost: no price for event '" + event + "' of component '" + component + "'");
}

std::vector<std::string> component_events(const std::string& component) {
  std::vector<std::string> events;
  for (const EventPrice& e : event_prices())
    if (component == e.component) events.push_back(e.event);
  return events;
}

std::vector<int64_t> component_prices(const ChipCosts& costs, const std::string& component) {
  std::vector<int64_t> prices;
  for (const EventPrice& e : event_prices())
    if (component == e.component) prices.push_back(e.price(costs));
  return prices;
}

json events_to_json(const std::vector<EventCount>& events) {
  json document = json::object();
  for (const EventCount& e : events) document[e.component][phase_name(e.phase)][e.event] = e.count;
  return document;
}

std::vector<EventCount> events_from_json(const json& document, const std::string& where) {
  if (!document.is_object()) throw Error(where + ": expected {component: {phase: {event: count}}}");
  std::vector<EventCount> events;
  for (auto c = document.begin(); c != document.end(); ++c)
    for (auto p = c.value().begin(); p != c.value().end(); ++p) {
      Phase phase;
      if (p.key() == phase_name(Phase::inference)) phase = Phase::inference;
      else if (p.key() == phase_name(Phase::learning)) phase = Phase::learning;
      else throw Error(where + "." + c.key() + "." + p.key() + ": unknown phase");
      for (auto e = p.value().begin(); e != p.value().end(); ++e) {
        if (!e.value().is_number_unsigned())
          throw Error(where + "." + c.key() + "." + p.key() + "." + e.key() + ": expected a count");
        events.push_back({c.key(), phase, e.key(), e.value().get<uint64_t>()});
      }
    }
  return events;
}

json architect_figures(const AreaLeakage& priced, const StaticEnergy& leak, const RunTotals& run,
                       const StaticInputs& inputs) {
  json area = {{"total", mm2(priced.total.area_um2)}, {"by_component", json::object()}, {"by_block", json::object()}};
  for (const auto& [name, f] : priced.by_component) area["by_component"][name] = mm2(f.area_um2);
  for (const auto& [name, f] : priced.by_block) area["by_block"][name] = mm2(f.area_um2);
  area["arithmetic"] = "sum over block instances of count x the tech entry's area_um2 (summary 'blocks_inventory'), / 1e6";

  const double chip_s = static_cast<double>(run.chip_ps) * 1e-12;
  const uint64_t samples = run.train_samples + run.test_samples;
  auto per = [](double x, double n) { return n > 0 ? x / n : 0.0; };
  // aJ per ps is uW; / 1000 is mW.
  const double static_mw = per(static_cast<double>(leak.total_aj), static_cast<double>(run.chip_ps)) / 1000;
  const double dynamic_mw = per(static_cast<double>(run.dynamic_aj), static_cast<double>(run.chip_ps)) / 1000;
  // Deployed at endurance.samples_per_s the chip idles between training samples: ungated
  // blocks leak all the time, gated ones for their share of each sample.
  const double train_dynamic_aj = per(static_cast<double>(run.train_aj), static_cast<double>(run.train_samples));
  double ungated_uw = 0;
  if (inputs.gating == "none") ungated_uw = priced.total.leakage_uw;
  for (const std::string& name : leak.ungated) ungated_uw += priced.by_block.at(name).leakage_uw;
  const double gated_uw = priced.total.leakage_uw - ungated_uw;
  const double gated_static_aj_per_sample =
      inputs.gating == "none" ? 0.0
                              : per(static_cast<double>(leak.total_aj) - ungated_uw * static_cast<double>(run.chip_ps),
                                    static_cast<double>(samples));
  const double deployed_static_mw = (ungated_uw + gated_static_aj_per_sample * run.deployed_samples_per_s * 1e-12) / 1000;
  const double deployed_dynamic_mw = train_dynamic_aj * run.deployed_samples_per_s * 1e-15;  // aJ/s -> mW
  json power = {
      {"static", static_mw},
      {"dynamic", dynamic_mw},
      {"total", static_mw + dynamic_mw},
      {"leakage_total", priced.total.leakage_uw / 1000},
      {"gated_leakage", gated_uw / 1000},
      {"at_samples_per_s",
       {{"samples_per_s", run.deployed_samples_per_s},
        {"static", deployed_static_mw},
        {"dynamic", deployed_dynamic_mw},
        {"total", deployed_static_mw + deployed_dynamic_mw}}},
      {"gating", inputs.gating},
      {"arithmetic",
       "static = static energy / chip time; dynamic = ledger energy / chip time (the simulated back-to-back "
       "rate); at endurance.samples_per_s: dynamic = energy per training sample x rate, static = ungated "
       "leakage + gated static energy per sample x rate"}};

  const double train_latency_s = per(static_cast<double>(run.train_ps) * 1e-12, static_cast<double>(run.train_samples));
  const double test_latency_s = per(static_cast<double>(run.test_ps) * 1e-12, static_cast<double>(run.test_samples));
  json throughput = {{"samples_per_s", per(static_cast<double>(samples), chip_s)},
                     {"train_samples_per_s", train_latency_s > 0 ? 1 / train_latency_s : 0.0},
                     {"test_samples_per_s", test_latency_s > 0 ? 1 / test_latency_s : 0.0},
                     {"latency_us", {{"train", train_latency_s * 1e6}, {"test", test_latency_s * 1e6}}},
                     {"arithmetic", "samples / chip time; latency = chip time of the kind's samples / their count"}};

  const double total_aj = static_cast<double>(run.dynamic_aj + leak.total_aj);
  const double ops = 2.0 * static_cast<double>(run.synaptic_ops);  // a MAC is two operations
  const double energy_j = total_aj * 1e-18;
  // A training sample's share of the static energy goes with its chip time.
  const double train_static_aj = per(static_cast<double>(leak.total_aj) * static_cast<double>(run.train_ps),
                                     static_cast<double>(run.chip_ps));
  const double train_energy_pj = pj(per(static_cast<double>(run.train_aj) + train_static_aj,
                                        static_cast<double>(run.train_samples)));
  json efficiency = {
      {"synaptic_op",
       "one multiply-accumulate of a weight with its input in a crossbar read: a driven row x a column of a "
       "tile (the crossbar's device reads / n_mem); 2 operations each for TOPS"},
      {"synaptic_ops", run.synaptic_ops},
      {"pj_per_synop", per(pj(total_aj), static_cast<double>(run.synaptic_ops))},
      {"pj_per_synop_dynamic", per(pj(static_cast<double>(run.dynamic_aj)), static_cast<double>(run.synaptic_ops))},
      {"tops_per_w", energy_j > 0 ? ops / energy_j / 1e12 : 0.0},
      {"tops_per_mm2", chip_s > 0 && priced.total.area_um2 > 0 ? ops / chip_s / 1e12 / mm2(priced.total.area_um2) : 0.0},
      {"energy_per_train_sample_pj", train_energy_pj},
      {"energy_delay_product_pj_us", train_energy_pj * train_latency_s * 1e6},
      {"arithmetic",
       "pj_per_synop = (ledger + static energy) / synaptic ops; tops_per_w = 2 x synaptic ops / that energy; "
       "tops_per_mm2 = 2 x synaptic ops / chip time / area; energy_delay_product = (energy per training sample "
       "incl. its static share) x latency per training sample"}};

  json static_section = {{"total_aj", leak.total_aj},
                         {"total_pj", pj(static_cast<double>(leak.total_aj))},
                         {"wakeup_pj", pj(static_cast<double>(leak.wakeup_aj))},
                         {"per_sample_pj", per(pj(static_cast<double>(leak.total_aj)), static_cast<double>(samples))},
                         {"by_component", json::object()},
                         {"gating", inputs.gating},
                         {"wakeup_ns", static_cast<double>(inputs.wakeup_ps) / 1000},
                         {"ungated_blocks", leak.ungated},
                         {"arithmetic",
                          "each block's leakage x chip time (gating none), or x its busy time plus one wake-up of "
                          "power.wakeup_ns per sample it works in (idle_blocks)"}};
  for (const auto& [name, aj] : leak.by_component_aj) static_section["by_component"][name] = pj(static_cast<double>(aj));
  return {{"area_mm2", area}, {"power_mw", power}, {"throughput", throughput}, {"efficiency", efficiency},
          {"static_energy_pj", static_section}};
}

}  // namespace mx
