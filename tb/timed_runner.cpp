#include "tb/timed_runner.h"

#include <cinttypes>
#include <cstdio>

#include "common/atomic_file.h"
#include "config/config.h"

namespace mx {

namespace {

// Exact decimal picojoules from integer attojoules, so the CSV's columns add up to the
// summary's totals digit for digit.
std::string exact_pj(int64_t aj) {
  char text[40];
  const char* sign = aj < 0 ? "-" : "";
  const uint64_t magnitude = static_cast<uint64_t>(aj < 0 ? -aj : aj);
  std::snprintf(text, sizeof text, "%s%" PRIu64 ".%06" PRIu64, sign, magnitude / 1000000, magnitude % 1000000);
  return text;
}

}  // namespace

TimedRunner::TimedRunner(const Config& config, std::unique_ptr<ChipBase> chip, const std::string& trace_dir)
    : chip_(std::move(chip)) {
  if (config.get_bool("trace.vcd") && !trace_dir.empty()) chip_->open_vcd(trace_dir + "/signals");
}

TimedRunner::TimedRunner(const Config& config, SpikingNetwork& network, const std::string& trace_dir)
    : TimedRunner(config, std::make_unique<ChipTop>("chip", config, network), trace_dir) {}

TimedRunner::TimedRunner(const Config& config, QuantizedPerceptron& network, const std::string& trace_dir)
    : TimedRunner(config, std::make_unique<QnnChip>("chip", config, network), trace_dir) {}

void TimedRunner::begin_task(size_t task_index) {
  task_ = static_cast<uint32_t>(task_index);
  chip_->begin_task(task_index);
}

SampleResult TimedRunner::run_sample(const uint8_t* image, const std::vector<uint16_t>& permutation, int target) {
  task_of_sample_.push_back(task_);
  return chip_->run_sample(image, permutation, target);
}

nlohmann::json TimedRunner::summary() const {
  const ChipContext& context = chip_->context();
  const EnergyLedger& ledger = context.ledger;
  nlohmann::json energy = ledger.to_json();
  // Parameter-update energy (ChipContext::update_components says what it holds).
  nlohmann::json update_parts = nlohmann::json::object();
  int64_t update_aj = 0;
  for (ComponentId id : context.update_components()) {
    update_parts[ledger.component_name(id)] = ledger.pj(id, Phase::learning);
    update_aj += ledger.aj(id, Phase::learning);
  }
  energy["update"] = to_picojoules(update_aj);
  energy["update_components"] = update_parts;
  size_t samples[2] = {0, 0};
  int64_t energy_aj[2] = {0, 0};
  uint64_t chip_ps[2] = {0, 0};
  for (const SampleCost& cost : chip_->sample_costs()) {
    const int kind = cost.training ? 0 : 1;
    ++samples[kind];
    energy_aj[kind] += cost.total_aj;
    chip_ps[kind] += cost.chip_ps;
  }
  const double cycle = static_cast<double>(chip_->cycle_ps());
  auto per_sample = [&](int kind, double value) { return samples[kind] ? value / samples[kind] : 0.0; };
  energy["per_sample"] = {{"train", per_sample(0, to_picojoules(energy_aj[0]))},
                          {"test", per_sample(1, to_picojoules(energy_aj[1]))}};
  nlohmann::json latency = {
      {"cycles", static_cast<double>(chip_->chip_time_ps()) / cycle},
      {"sim_time_s", static_cast<double>(chip_->chip_time_ps()) * 1e-12},
      // The SystemC kernel's own time at the end of the run: the same instant, to the 1 ps
      // resolution, because every transaction carried its chip time as its delay.
      {"kernel_time_s", static_cast<double>(chip_->kernel_time_ps()) * 1e-12},
      {"time_resolution_s", sc_core::sc_get_time_resolution().to_seconds()},
      {"cycles_per_sample", {{"train", per_sample(0, chip_ps[0] / cycle)}, {"test", per_sample(1, chip_ps[1] / cycle)}}},
      {"clock_hz", 1e12 / cycle}};
  const Floorplan& plan = chip_->floorplan();
  nlohmann::json chip = {{"mesh", {plan.mesh_width, plan.mesh_height}},
                         {"tiles", plan.tiles.size()},
                         {"tile", {plan.grid.tile_rows, plan.grid.tile_cols}}};
  const ChipDescription* description = nullptr;
  if (const auto* top = dynamic_cast<const ChipTop*>(chip_.get())) description = &top->description();
  if (description)
    chip["description"] = {{"cores_per_layer", description->cores_per_layer},
                           {"controllers", description->controllers == ControllerPlacement::chip    ? "chip"
                                           : description->controllers == ControllerPlacement::layer ? "layer"
                                                                                                     : "tile"},
                           {"rngs", description->rngs == RngPlacement::tile ? "tile" : "controller"},
                           {"draws_per_cycle", description->draws_per_cycle},
                           {"sram_banks", description->sram_banks},
                           {"write_drivers", description->write_drivers},
                           {"write_budget", description->write_budget},
                           {"pipeline", description->pipeline}};
  // Every block instance: what it is, which layer it serves, how long its resources were
  // reserved in all and the energy charged to it.
  nlohmann::json blocks = nlohmann::json::object();
  for (const BlockRecord& block : context.blocks) {
    nlohmann::json entry = {{"kind", block.kind}, {"busy_ps", block.busy_ps}, {"energy_aj", block.energy_aj}};
    if (block.layer >= 0) entry["layer"] = block.layer;
    blocks[block.name] = entry;
  }
  return {{"energy_pj", energy}, {"latency", latency}, {"chip", chip}, {"blocks", blocks}};
}

void TimedRunner::write_traces(const std::string& dir) {
  const ChipContext& context = chip_->context();
  chip_->write_vcd();
  context.timeline.write(dir + "/timeline.json");

  const EnergyLedger& ledger = context.ledger;
  std::string csv = "sample,task,kind";
  for (ComponentId id = 0; id < ledger.component_count(); ++id) csv += "," + ledger.component_name(id) + "_pj";
  csv += ",total_pj,chip_cycles,cumulative_cycles\n";
  uint64_t cumulative_ps = 0;
  const auto& costs = chip_->sample_costs();
  const size_t components = ledger.component_count();
  const std::vector<int64_t>& component_aj = chip_->sample_component_aj();
  for (size_t i = 0; i < costs.size(); ++i) {
    const SampleCost& cost = costs[i];
    cumulative_ps += cost.chip_ps;
    csv += std::to_string(i) + "," + std::to_string(task_of_sample_[i]) + (cost.training ? ",train" : ",test");
    for (size_t c = 0; c < components; ++c) csv += "," + exact_pj(component_aj[i * components + c]);
    csv += "," + exact_pj(cost.total_aj) + "," + std::to_string(cost.chip_ps / chip_->cycle_ps()) + "," +
           std::to_string(cumulative_ps / chip_->cycle_ps()) + "\n";
  }
  write_file_atomically(dir + "/energy.csv", csv);
}

}  // namespace mx
