#include "tb/architect_summary.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "chip/area_power.h"
#include "chip/chip_costs.h"
#include "common/error.h"
#include "config/config.h"
#include "hw/hw_rng.h"
#include "models/chip_base.h"

namespace mx {

namespace {

using json = nlohmann::json;

// The ledger's phases by index, for loops.
constexpr Phase kPhases[] = {Phase::inference, Phase::learning};

uint64_t count_at(const json& section, const char* key) {
  return section.contains(key) && section[key].is_number() ? section[key].get<uint64_t>() : 0;
}

}  // namespace

SramBits sram_bits_of(const Config& config, const json& memory) {
  SramBits bits;
  if (config.get_string("network.kind") == "qnn") {
    bits.optimizer = count_at(memory, "optimizer_state_total");
    bits.gradient = count_at(memory, "gradient_buffer_total");
    bits.hidden = count_at(memory, "digital_unit_total") - bits.optimizer - bits.gradient;
  } else {
    const uint64_t consolidation = count_at(memory, "consolidation_total");
    if (config.get_string("rule.kind") == "grad_acc")
      bits.acc = count_at(memory, "synapses") * config.get_uint("memory.acc_bits");
    bits.m = consolidation - bits.acc;
  }
  return bits;
}

namespace {

// The counts of the events that price components charging more than one kind of event,
// from the network's own activity (the ledger counts their operations together).
void add_activity_events(const Config& config, const json& s, std::vector<EventCount>& events) {
  const json& u = s.at("updates");
  const Phase L = Phase::learning;
  events.push_back({"write_pulses", L, "set_pulse", count_at(u, "set_pulses")});
  events.push_back({"write_pulses", L, "reset_pulse", count_at(u, "reset_pulses")});
  if (config.get_string("network.kind") == "qnn") {
    const json& d = s.at("digital_unit");
    events.push_back({"digital_unit", Phase::inference, "activation", count_at(d, "activations")});
    events.push_back({"digital_unit", L, "gradient_word", count_at(d, "gradient_updates")});
    events.push_back({"digital_unit", L, "weight_step", count_at(d, "weight_steps")});
    for (const auto& [component, stem] : {std::pair<const char*, std::string>{"sram_hidden", "hidden"},
                                          {"sram_optimizer", "optimizer_state"},
                                          {"sram_gradient", "gradient"}}) {
      events.push_back({component, L, "read_bit", count_at(d, (stem + "_read_bits").c_str())});
      events.push_back({component, L, "write_bit", count_at(d, (stem + "_write_bits").c_str())});
    }
  } else {
    const uint64_t m_bits = config.get_uint("memory.m_bits"), acc_bits = config.get_uint("memory.acc_bits");
    events.push_back({"crossbar", L, "weight_read", count_at(u, "weight_reads")});
    events.push_back({"sram_m", L, "read_bit", count_at(u, "m_reads") * m_bits});
    events.push_back({"sram_m", L, "write_bit", count_at(u, "m_writes") * m_bits});
    // An accumulator update is a read-modify-write.
    events.push_back({"sram_acc", L, "read_bit", count_at(u, "accumulator_updates") * acc_bits});
    events.push_back({"sram_acc", L, "write_bit", count_at(u, "accumulator_updates") * acc_bits});
  }
}

ChipCosts costs_for(const Config& config, const json& summary, const Tech& tech) {
  const json& mesh = summary.at("chip").at("mesh");
  const HwRng probe(costed_rng_spec(config), 1);
  return make_chip_costs(config, tech, probe, static_cast<unsigned>(config.get_uint("device.n_mem")),
                         mesh.at(0).get<unsigned>(), mesh.at(1).get<unsigned>());
}

// The chip's record of one of our instances (summary "blocks", keyed by SystemC name): a tile
// "tile L0 r1 c0" is the block named "....tile_L0_r1_c0" of kind "tile".
const json* chip_block(const json& blocks, const std::string& instance) {
  if (instance.compare(0, 5, "tile ") != 0) return nullptr;
  std::string suffix = instance;
  std::replace(suffix.begin(), suffix.end(), ' ', '_');
  for (auto b = blocks.begin(); b != blocks.end(); ++b) {
    const std::string& name = b.key();
    if (b.value().value("kind", "") != "tile" || name.size() < suffix.size()) continue;
    if (name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
        (name.size() == suffix.size() || name[name.size() - suffix.size() - 1] == '.'))
      return &b.value();
  }
  return nullptr;
}

// The chip's kind of block that times an inventory kind; an SRAM instance of the inventory
// is the chip's banks of that state (sram_m: the "m" banks).
std::string chip_kind(const BlockInstance& b) {
  if (b.kind == "controller") return "learning_controller";
  if (b.kind == "sram") return "sram:" + b.name.substr(b.name.find('_') + 1);
  return b.kind;
}

std::string chip_kind(const std::string& name, const json& record) {
  const std::string kind = record.value("kind", "");
  if (kind != "sram") return kind;
  // "chip.m", "chip.m_1", "chip.accumulators_0": the state is the last name part, before any index.
  std::string state = name.substr(name.find_last_of('.') + 1);
  if (const size_t underscore = state.find_last_of('_');
      underscore != std::string::npos && state.find_first_not_of("0123456789", underscore + 1) == std::string::npos)
    state = state.substr(0, underscore);
  return "sram:" + (state == "accumulators" ? std::string("acc") : state);
}

// The busy times of our instances the chip records. An instance whose name is the last part
// of a chip block's SystemC name ("router 3" is "....router_3", "core L0 #1" is "...core_L0_1")
// is that block; the rest are matched by kind and layer, in the chip's order: as many
// instances as blocks pair one to one, and one instance standing for several blocks (one SRAM
// instance for each controller's banks) is on for their mean busy time, exact when the blocks
// are alike. Anything else stays unmatched, and so ungated.
std::map<std::string, uint64_t> busy_times(const json& s, const std::vector<BlockInstance>& instances) {
  std::map<std::string, uint64_t> busy;
  if (!s.contains("blocks") || !s["blocks"].is_object()) return busy;
  struct ChipBlock {
    std::string name, kind;
    int layer;
    uint64_t busy_ps;
    bool used = false;
  };
  std::vector<ChipBlock> chip;
  for (auto b = s["blocks"].begin(); b != s["blocks"].end(); ++b)
    if (b.value().contains("busy_ps"))
      chip.push_back({b.key(), chip_kind(b.key(), b.value()), b.value().value("layer", -1),
                      b.value()["busy_ps"].get<uint64_t>()});
  // Numbered blocks in their numbers' order: "x_9" before "x_10".
  std::sort(chip.begin(), chip.end(), [](const ChipBlock& a, const ChipBlock& b) {
    return a.name.size() != b.name.size() ? a.name.size() < b.name.size() : a.name < b.name;
  });
  auto named = [](const ChipBlock& block, const std::string& instance) {
    std::string suffix = instance;
    for (size_t at; (at = suffix.find(" #")) != std::string::npos;) suffix.replace(at, 2, "_");
    std::replace(suffix.begin(), suffix.end(), ' ', '_');
    const std::string& name = block.name;
    return name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
           name[name.size() - suffix.size() - 1] == '.';
  };
  std::map<std::pair<std::string, int>, std::vector<const BlockInstance*>> unmatched;
  for (const BlockInstance& b : instances) {
    const std::string kind = chip_kind(b);
    const auto block = std::find_if(chip.begin(), chip.end(),
                                    [&](const ChipBlock& c) { return !c.used && c.kind == kind && named(c, b.name); });
    if (block != chip.end()) {
      block->used = true;
      busy[b.name] = block->busy_ps;
    } else {
      unmatched[{kind, b.layer}].push_back(&b);
    }
  }
  for (const auto& [group, members] : unmatched) {
    std::vector<uint64_t> times;
    for (const ChipBlock& c : chip)
      if (!c.used && c.kind == group.first && c.layer == group.second) times.push_back(c.busy_ps);
    if (times.empty()) continue;
    if (members.size() == times.size()) {
      for (size_t i = 0; i < members.size(); ++i) busy[members[i]->name] = times[i];
    } else if (members.size() == 1) {
      uint64_t sum = 0;
      for (const uint64_t t : times) sum += t;
      busy[members[0]->name] = sum / times.size();
    }
  }
  return busy;
}

double pj_of(int64_t aj) { return to_picojoules(aj); }

std::string pj_text(double pj) {
  char text[40];
  std::snprintf(text, sizeof text, "%.12g", pj);
  return text;
}

}  // namespace

void add_architect_summary(const Config& config, const ChipBase& chip, json& s) {
  const Tech tech = load_tech(config);
  const ChipContext& context = chip.context();
  const EnergyLedger& ledger = context.ledger;
  const Floorplan& plan = chip.floorplan();

  // The block inventory: what area and leakage are priced on.
  const std::vector<BlockInstance> blocks =
      chip_inventory(config, plan, static_cast<unsigned>(config.get_uint("device.n_mem")), sram_bits_of(config, s.at("memory_bits")));

  // Event counts. A component charging one kind of event has its count in the ledger; the
  // others from the network's activity. Each component's priced energy is checked against
  // the ledger here; one that does not match (or has no events, like the mesh) is kept as
  // recorded and may be re-costed only under unchanged prices.
  std::vector<EventCount> activity;
  add_activity_events(config, s, activity);
  // The mesh's packet-hops, as it counted them; its deliveries are the ledger's operations.
  for (Phase phase : kPhases) {
    const auto& counted = context.event_counts[static_cast<int>(phase)];
    for (const char* hop : {"east_west_hop", "north_south_hop"})
      if (const auto it = counted.find(hop); it != counted.end() && it->second) activity.push_back({"noc", phase, hop, it->second});
    if (const uint64_t packets = ledger.operations(context.components.noc, phase))
      activity.push_back({"noc", phase, "delivery", packets});
  }
  std::vector<EventCount> events;
  json recorded = json::object(), train_aj = json::object(), test_aj = json::object();
  const size_t components = ledger.component_count();
  std::vector<int64_t> train(components, 0), test(components, 0);
  const std::vector<int64_t>& per_sample = chip.sample_component_aj();
  const auto& costs_of_samples = chip.sample_costs();
  for (size_t i = 0; i < costs_of_samples.size(); ++i)
    for (size_t c = 0; c < components; ++c)
      (costs_of_samples[i].training ? train : test)[c] += per_sample[i * components + c];

  for (ComponentId id = 0; id < components; ++id) {
    const std::string& name = ledger.component_name(id);
    const std::vector<std::string> kinds = component_events(name);
    train_aj[name] = train[id];
    test_aj[name] = test[id];
    std::vector<EventCount> mine;
    for (Phase phase : kPhases) {
      if (ledger.priced_by_quantity(id)) {
        // Priced per unit of the quantity the ledger counted (the crossbar's µS read); its
        // other events come from the network's activity.
        if (const uint64_t n = ledger.quantity(id, phase)) mine.push_back({name, phase, kinds.at(0), n});
      } else if (kinds.size() == 1 || (name == "error_unit")) {
        // error_unit: the spiking chip charges neuron updates, System B error terms.
        const std::string event = kinds.size() == 1 ? kinds[0]
                                  : config.get_string("network.kind") == "qnn" ? "error_term" : "neuron_update";
        const uint64_t n = ledger.priced_count(id, phase);
        if (n) mine.push_back({name, phase, event, n});
      }
    }
    for (const EventCount& e : activity)
      if (e.component == name && e.count) mine.push_back(e);
    bool exact = !kinds.empty();
    for (Phase phase : kPhases) {
      int64_t priced = 0;
      for (const EventCount& e : mine)
        if (e.phase == phase) priced += event_price_aj(context.costs, e.component, e.event) * static_cast<int64_t>(e.count);
      if (priced != ledger.aj(id, phase)) exact = false;
    }
    if (exact) {
      events.insert(events.end(), mine.begin(), mine.end());
    } else if (ledger.component_aj(id) != 0) {
      for (Phase phase : kPhases) recorded[name][phase_name(phase)] = ledger.aj(id, phase);
    }
  }

  uint64_t train_ps = 0, test_ps = 0, train_samples = 0, test_samples = 0;
  for (const SampleCost& cost : costs_of_samples) {
    (cost.training ? train_ps : test_ps) += cost.chip_ps;
    ++(cost.training ? train_samples : test_samples);
  }
  const uint64_t n_mem = config.get_uint("device.n_mem");
  s["tech_table"] = tech.to_json();
  s["architect_record"] = {
      {"blocks_inventory", inventory_to_json(blocks)},
      {"event_counts", events_to_json(events)},
      {"recorded_aj", recorded},
      {"train_aj", train_aj},
      {"test_aj", test_aj},
      {"chip_ps", chip.chip_time_ps()},
      {"train_ps", train_ps},
      {"test_ps", test_ps},
      {"train_samples", train_samples},
      {"test_samples", test_samples},
      {"synaptic_ops", ledger.operations(context.components.crossbar) / (n_mem ? n_mem : 1)},
      {"note",
       "what `metaxbar recost` re-prices: event counts per component and phase (priced with the run's own tech "
       "they give energy_pj exactly; the mesh's as packet-hops per direction and deliveries), components kept as "
       "recorded (their energy needs counts the chip does not expose), the block inventory for area and leakage, "
       "and the chip times"}};
  const json priced = price_run(config, s, tech);
  if (priced["energy_pj"]["total_aj"].get<int64_t>() != ledger.total_aj())
    throw Error("internal: the architect's re-priced energy differs from the ledger's");
  for (const char* key : {"area_mm2", "power_mw", "throughput", "efficiency", "static_energy_pj", "per_layer",
                          "per_tile"})
    s[key] = priced[key];
  s["energy_pj"]["arithmetic"] = priced["energy_pj"]["arithmetic"];
}

json price_run(const Config& config, const json& summary, const Tech& tech) {
  const json& record = summary.at("architect_record");
  const Tech run_tech = Tech::from_json(summary.at("tech_table"), "the run's tech_table");
  const ChipCosts run_costs = costs_for(config, summary, run_tech);
  const ChipCosts costs = costs_for(config, summary, tech);

  // Energy: events re-priced; recorded components kept, if their prices did not move.
  std::map<std::string, int64_t> by_component_phase[2];
  // The arithmetic of each component, for reports to print rather than re-derive.
  std::map<std::string, std::string> arithmetic;
  // Every component of the run is listed, those that cost nothing too.
  for (auto c = record.at("train_aj").begin(); c != record.at("train_aj").end(); ++c)
    for (Phase phase : kPhases) by_component_phase[static_cast<int>(phase)][c.key()] = 0;
  for (const EventCount& e : events_from_json(record.at("event_counts"), "architect_record.event_counts"))
  {
    const int64_t price = event_price_aj(costs, e.component, e.event);
    by_component_phase[static_cast<int>(e.phase)][e.component] += price * static_cast<int64_t>(e.count);
    std::string& text = arithmetic[e.component];
    char term[200];
    std::snprintf(term, sizeof term, "%s%s: %llu %s x %.9g pJ", text.empty() ? "" : " + ", phase_name(e.phase),
                  static_cast<unsigned long long>(e.count), e.event.c_str(), pj_of(price));
    text += term;
  }
  const json& recorded = record.at("recorded_aj");
  for (auto c = recorded.begin(); c != recorded.end(); ++c) {
    if (component_prices(costs, c.key()) != component_prices(run_costs, c.key()))
      throw Error("recost: the energy of '" + c.key() + "' depends on counts this run did not record (" +
                  (c.key() == "noc" ? std::string("the hops of each packet") : std::string("its events")) +
                  "), and the new tech table changes its prices; re-simulate for it");
    for (Phase phase : kPhases)
      by_component_phase[static_cast<int>(phase)][c.key()] += c.value().at(phase_name(phase)).get<int64_t>();
    arithmetic[c.key()] = c.key() == "noc" ? "as the ledger recorded it (a packet's energy depends on its hops, "
                                             "which the chip does not count)"
                                           : "as the ledger recorded it";
  }
  json energy = {{"by_component", json::object()}, {"by_component_phase", json::object()}, {"by_phase", json::object()}};
  int64_t total = 0, train_total = 0, test_total = 0;
  std::map<std::string, int64_t> by_component;
  for (Phase phase : kPhases) {
    int64_t phase_total = 0;
    for (const auto& [name, aj] : by_component_phase[static_cast<int>(phase)]) {
      by_component[name] += aj;
      energy["by_component_phase"][name][phase_name(phase)] = pj_of(aj);
      phase_total += aj;
    }
    energy["by_phase"][phase_name(phase)] = pj_of(phase_total);
    total += phase_total;
  }
  // Train and test samples keep the run's split of each component's energy (exact when its
  // prices are unchanged; a component's events do not move between sample kinds).
  for (const auto& [name, aj] : by_component) {
    energy["by_component"][name] = pj_of(aj);
    energy["by_component_aj"][name] = aj;
    energy["arithmetic"][name] = arithmetic.count(name) ? arithmetic[name] + " = " + pj_text(pj_of(aj)) + " pJ"
                                                        : std::string("no events");
    const int64_t old_train = record.at("train_aj").value(name, int64_t{0});
    const int64_t old_test = record.at("test_aj").value(name, int64_t{0});
    const int64_t old_total = old_train + old_test;
    if (old_total == aj) {
      train_total += old_train;
      test_total += old_test;
    } else if (old_total != 0) {
      const int64_t t = std::llround(static_cast<double>(aj) * static_cast<double>(old_train) / static_cast<double>(old_total));
      train_total += t;
      test_total += aj - t;
    } else {
      train_total += aj;  // a component that cost nothing before: its events are learning work
    }
  }
  energy["total_aj"] = total;
  energy["total"] = pj_of(total);

  RunTotals run;
  run.dynamic_aj = total;
  run.train_aj = train_total;
  run.test_aj = test_total;
  run.train_samples = record.at("train_samples").get<uint64_t>();
  run.test_samples = record.at("test_samples").get<uint64_t>();
  run.chip_ps = record.at("chip_ps").get<uint64_t>();
  run.train_ps = record.at("train_ps").get<uint64_t>();
  run.test_ps = record.at("test_ps").get<uint64_t>();
  run.synaptic_ops = record.at("synaptic_ops").get<uint64_t>();
  run.deployed_samples_per_s = config.get_double("endurance.samples_per_s");
  energy["per_sample"] = {{"train", run.train_samples ? pj_of(train_total) / run.train_samples : 0.0},
                          {"test", run.test_samples ? pj_of(test_total) / run.test_samples : 0.0}};

  const std::vector<BlockInstance> blocks =
      inventory_from_json(record.at("blocks_inventory"), "architect_record.blocks_inventory");
  const AreaLeakage priced = price_inventory(tech, blocks);
  StaticInputs inputs;
  inputs.gating = config.get_string("power.gating");
  inputs.chip_ps = run.chip_ps;
  inputs.samples = run.train_samples + run.test_samples;
  inputs.wakeup_ps = static_cast<uint64_t>(std::llround(config.get_double("power.wakeup_ns") * 1000));
  inputs.busy_ps = busy_times(summary, blocks);
  const StaticEnergy leak = static_energy(priced, blocks, inputs);
  json result = architect_figures(priced, leak, run, inputs);
  result["energy_pj"] = energy;

  // Per layer and per tile: area and leakage from the inventory; energy and busy fraction
  // from the chip's per-block record (every block of a layer adds to its energy).
  const json blocks_record = summary.contains("blocks") ? summary["blocks"] : json::object();
  json per_tile = json::object(), per_layer = json::array();
  struct Layer {
    double area_um2 = 0, leakage_uw = 0;
    int64_t energy_aj = 0;
    uint64_t tile_busy_ps = 0;
    bool has_energy = false;
    unsigned tiles = 0;
  };
  std::map<int, Layer> layers;
  for (const BlockInstance& b : blocks) {
    if (b.layer < 0) continue;
    Layer& layer = layers[b.layer];
    const BlockFigures& f = priced.by_block.at(b.name);
    layer.area_um2 += f.area_um2;
    layer.leakage_uw += f.leakage_uw;
    if (b.kind != "tile") continue;
    ++layer.tiles;
    json entry = {{"layer", b.layer}, {"area_mm2", f.area_um2 * 1e-6}, {"leakage_mw", f.leakage_uw / 1000}};
    if (const json* r = chip_block(blocks_record, b.name)) {
      entry["energy_pj"] = pj_of(r->value("energy_aj", int64_t{0}));
      const uint64_t busy = r->value("busy_ps", uint64_t{0});
      layer.tile_busy_ps += busy;
      if (run.chip_ps) entry["busy_fraction"] = static_cast<double>(busy) / static_cast<double>(run.chip_ps);
    }
    per_tile[b.name] = entry;
  }
  for (auto r = blocks_record.begin(); r != blocks_record.end(); ++r)
    if (r.value().contains("layer") && r.value().contains("energy_aj")) {
      Layer& layer = layers[r.value()["layer"].get<int>()];
      layer.energy_aj += r.value()["energy_aj"].get<int64_t>();
      layer.has_energy = true;
    }
  for (const auto& [index, layer] : layers) {
    json entry = {{"layer", index}, {"tiles", layer.tiles}, {"area_mm2", layer.area_um2 * 1e-6},
                  {"leakage_mw", layer.leakage_uw / 1000}};
    if (layer.has_energy) entry["energy_pj"] = pj_of(layer.energy_aj);
    if (layer.tiles && run.chip_ps)
      entry["tile_busy_fraction"] =
          static_cast<double>(layer.tile_busy_ps) / static_cast<double>(layer.tiles) / static_cast<double>(run.chip_ps);
    per_layer.push_back(entry);
  }
  result["per_layer"] = per_layer;
  result["per_tile"] = per_tile;
  return result;
}

void print_architect_summary(const json& s, std::FILE* out) {
  if (!s.contains("efficiency")) return;
  const json& e = s["energy_pj"];
  const json& t = s["throughput"];
  const json& p = s["power_mw"];
  std::fprintf(out, "chip: %.1f pJ per training sample, %.1f pJ per test sample; latency %.2f us train, %.2f us test\n",
               e["per_sample"]["train"].get<double>(), e["per_sample"]["test"].get<double>(),
               t["latency_us"]["train"].get<double>(), t["latency_us"]["test"].get<double>());
  std::fprintf(out, "      %.0f samples/s, power %.2f mW (%.2f static, %.2f dynamic), area %.3f mm^2, %.3f TOPS/W, "
               "%.2f pJ per synaptic op\n",
               t["samples_per_s"].get<double>(), p["total"].get<double>(), p["static"].get<double>(),
               p["dynamic"].get<double>(), s["area_mm2"]["total"].get<double>(),
               s["efficiency"]["tops_per_w"].get<double>(), s["efficiency"]["pj_per_synop"].get<double>());
  std::vector<std::pair<double, std::string>> parts;
  for (auto c = e["by_component"].begin(); c != e["by_component"].end(); ++c)
    parts.emplace_back(c.value().get<double>(), c.key());
  parts.emplace_back(s["static_energy_pj"]["total_pj"].get<double>(), "static (leakage)");
  std::sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
  const double total = e["total"].get<double>() + s["static_energy_pj"]["total_pj"].get<double>();
  std::fprintf(out, "      top energy:");
  for (size_t i = 0; i < parts.size() && i < 3; ++i)
    std::fprintf(out, "%s %s %.1f %%", i ? "," : "", parts[i].second.c_str(), total > 0 ? 100 * parts[i].first / total : 0.0);
  std::fprintf(out, "\n");
}

}  // namespace mx
