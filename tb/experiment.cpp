#include "tb/experiment.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "common/error.h"
#include "tb/timed_runner.h"
#include "chip/chip_costs.h"
#include "metrics/endurance.h"
#include "metrics/memory_bits.h"

namespace mx {

namespace {

std::vector<std::pair<int, int>> parse_pairs(const json& value) {
  std::vector<std::pair<int, int>> pairs;
  if (!value.is_array() || value.empty())
    throw Error("'task.pairs': expected a non-empty array of [class, class] pairs, got " + value.dump());
  for (size_t i = 0; i < value.size(); ++i) {
    const json& pair = value[i];
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number_integer() || !pair[1].is_number_integer())
      throw Error("'task.pairs[" + std::to_string(i) + "]': expected [class, class], got " + pair.dump());
    pairs.emplace_back(pair[0].get<int>(), pair[1].get<int>());
  }
  return pairs;
}

std::vector<std::string> parse_dirs(const json& value) {
  std::vector<std::string> dirs;
  if (!value.is_array()) throw Error("'task.sequence_dirs': expected an array of folder paths, got " + value.dump());
  for (size_t i = 0; i < value.size(); ++i) {
    if (!value[i].is_string())
      throw Error("'task.sequence_dirs[" + std::to_string(i) + "]': expected a folder path, got " + value[i].dump());
    dirs.push_back(value[i].get<std::string>());
  }
  return dirs;
}

std::string folder_name(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  const size_t slash = dir.find_last_of('/');
  return slash == std::string::npos ? dir : dir.substr(slash + 1);
}

}  // namespace

TaskSequence build_task_sequence(const Config& config) {
  TaskSequence sequence;
  const uint64_t seed = config.get_uint("seed");
  SelectionOptions selection;
  selection.train_samples = config.get_uint("data.train_samples");
  selection.test_samples = config.get_uint("data.test_samples");
  selection.train_per_class = config.get_uint("data.train_per_class");
  std::vector<std::string> dirs = {config.get_string("data.dir")};
  const std::string kind = config.get_string("task.kind");
  if (kind == "sequence")
    for (const auto& dir : parse_dirs(config.at("task.sequence_dirs"))) dirs.push_back(dir);
  for (const auto& dir : dirs) sequence.datasets.push_back(std::make_unique<Dataset>(load_dataset(dir, folder_name(dir))));

  const Dataset& first = *sequence.datasets.front();
  if (kind == "split") {
    SplitOptions split;
    split.pairs = parse_pairs(config.at("task.pairs"));
    split.class_incremental = config.get_bool("task.class_incremental");
    sequence.tasks = build_split_tasks(first, split, selection, seed);
  } else if (kind == "permuted") {
    sequence.tasks = build_permuted_tasks(first, config.get_uint("task.permuted_tasks"),
                                          config.get_bool("task.permute_first"), selection, seed);
  } else {
    std::vector<const Dataset*> datasets;
    for (const auto& dataset : sequence.datasets) datasets.push_back(dataset.get());
    sequence.tasks = build_dataset_sequence(datasets, selection, seed);
  }
  return sequence;
}

namespace {

json update_statistics(const SpikingNetwork& network) {
  const LearningActivity& a = network.rule().activity();
  uint64_t max_writes = 0, total_writes = 0, devices = 0, worn_out = 0;
  json per_layer = json::array();
  for (unsigned layer = 0; layer < 2; ++layer) {
    const SynapseArray& array = network.array(layer);
    uint64_t layer_writes = 0;
    for (uint32_t w : array.write_counts()) layer_writes += w;
    max_writes = std::max<uint64_t>(max_writes, array.max_writes());
    total_writes += layer_writes;
    devices += array.device_count();
    worn_out += array.worn_out_devices();
    per_layer.push_back({{"write_pulses", layer_writes},
                         {"max_writes_per_device", array.max_writes()},
                         {"devices", array.device_count()}});
  }
  return {{"write_pulses", a.pulses()},
          {"set_pulses", a.set_pulses},
          {"reset_pulses", a.reset_pulses},
          {"ineffective_pulses", a.ineffective_pulses},
          {"max_writes_per_device", max_writes},
          {"mean_writes_per_device", devices ? double(total_writes) / double(devices) : 0.0},
          {"worn_out_devices", worn_out},
          {"update_events", a.update_events},
          {"eligible_posts", a.eligible_posts},
          {"candidates", a.candidates},
          {"rng_draws", a.rng_draws},
          {"p_evaluations", a.p_evaluations},
          {"m_reads", a.m_reads},
          {"m_writes", a.m_writes},
          {"accumulator_updates", a.acc_updates},
          {"by_layer", per_layer}};
}

json rule_memory(const Config& config, const SpikingNetwork& network) {
  const std::string kind = config.get_string("rule.kind");
  std::vector<LayerMemory> layers;
  for (unsigned layer = 0; layer < 2; ++layer) {
    const SynapseArray& array = network.array(layer);
    LayerMemory memory;
    memory.synapses = array.rows() * array.cols();
    memory.devices = array.device_count();
    const MetaplasticState* meta = network.rule().meta(layer);
    if (kind != "none" && meta) {
      memory.m_cells = meta->cell_count();
      memory.dm = config.get_double(layer == 0 ? "rule.dm_hidden" : "rule.dm_output");
      memory.m_max = config.get_double("rule.m_max");
    }
    if (kind == "grad_acc") memory.accumulators = memory.synapses;
    layers.push_back(memory);
  }
  MemoryWidths widths;
  widths.m_bits = static_cast<unsigned>(config.get_uint("memory.m_bits"));
  widths.acc_bits = static_cast<unsigned>(config.get_uint("memory.acc_bits"));
  widths.hidden_bits = static_cast<unsigned>(config.get_uint("memory.hidden_bits"));
  widths.levels = network.array(0).table().size();
  return memory_bits(layers, widths);
}

// What every run reports, whatever its network: seed, mode, config, tasks, accuracy,
// samples and the endurance of the two crossbar layers.
void common_summary(const Config& config, const TaskSequence& sequence, const ReplayResult& replay,
                    const SynapseArray* const arrays[2], json& s) {
  s["seed"] = config.get_uint("seed");
  s["mode"] = config.get_string("mode");
  s["config"] = config.resolved();
  json tasks = json::array();
  for (const Task& task : sequence.tasks)
    tasks.push_back({{"name", task.name},
                     {"dataset", task.dataset->name},
                     {"train_samples", task.train.size()},
                     {"test_samples", task.test.size()}});
  s["tasks"] = tasks;
  s["accuracy"] = {{"matrix", replay.accuracy.to_json()},
                   {"final_mean", replay.accuracy.final_mean()},
                   {"final_per_task", replay.accuracy.final_per_task()},
                   {"bwt", replay.accuracy.backward_transfer()}};
  s["samples"] = {{"train", replay.train_samples}, {"test", replay.test_samples}};
  s["device"] = {{"levels", arrays[0]->table().to_json()},
                 {"r_f_ohm", {arrays[0]->r_f(), arrays[1]->r_f()}},
                 {"r_b_ohm", {arrays[0]->r_b(), arrays[1]->r_b()}}};
  EnduranceInputs endurance;
  for (unsigned layer = 0; layer < 2; ++layer) endurance.write_counts.push_back(&arrays[layer]->write_counts());
  endurance.training_samples = replay.train_samples;
  const double rated = config.get_double("endurance.rated_cycles");
  endurance.rated_cycles = rated > 0 ? rated : load_tech(config).endurance_cycles();
  endurance.samples_per_s = config.get_double("endurance.samples_per_s");
  s["endurance"] = endurance_report(endurance);
  s["train_samples_per_s"] = replay.train_wall_s > 0 ? replay.train_samples / replay.train_wall_s : 0.0;
}

void report_warnings(const json& memory) {
  for (const auto& warning : memory["warnings"])
    std::fprintf(stderr, "metaxbar: warning: %s\n", warning.get<std::string>().c_str());
}

// System A: the spiking network, functional or on the timed chip.
json run_spiking(const Config& config, const TaskSequence& sequence,
                 const std::function<void(const ReplayProgress&)>& on_progress, const std::string& trace_dir) {
  const Task& first = sequence.tasks.front();
  SpikingNetwork network(config, first.dataset->pixels(), first.n_outputs, config.get_uint("seed"));
  // Both runners exist before any sample runs, so a chip that cannot be built fails before
  // the simulation starts.
  std::unique_ptr<TimedRunner> timed;
  FunctionalRunner functional(network);
  if (config.get_string("mode") == "timed") timed = std::make_unique<TimedRunner>(config, network, trace_dir);
  SampleRunner& runner = timed ? static_cast<SampleRunner&>(*timed) : functional;
  const ReplayResult replay = replay_tasks(sequence.tasks, config.get_uint("task.epochs"), runner, on_progress);

  json s;
  const SynapseArray* arrays[2] = {&network.array(0), &network.array(1)};
  common_summary(config, sequence, replay, arrays, s);
  s["network"] = {{"kind", "snn"},
                  {"inputs", network.inputs()},
                  {"hidden", network.hidden()},
                  {"outputs", network.outputs()},
                  {"rule", network.rule().name()}};
  s["updates"] = update_statistics(network);
  s["spikes"] = {{"input", network.spike_count(0)}, {"hidden", network.spike_count(1)}, {"output", network.spike_count(2)}};
  s["memory_bits"] = rule_memory(config, network);
  report_warnings(s["memory_bits"]);
  if (timed) {
    s.update(timed->summary());
    if (!trace_dir.empty()) timed->write_traces(trace_dir);
  }
  return s;
}

}  // namespace

RunOutput run_experiment(const Config& config, const std::function<void(const ReplayProgress&)>& on_progress,
                         const std::string& trace_dir) {
  const auto start = std::chrono::steady_clock::now();
  const TaskSequence sequence = build_task_sequence(config);
  RunOutput out;
  out.summary = run_spiking(config, sequence, on_progress, trace_dir);
  out.summary["wall_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace mx
