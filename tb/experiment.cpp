#include "tb/experiment.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "common/build_info.h"
#include "common/error.h"
#include "tb/lifetime.h"
#include "tb/architect_summary.h"
#include "tb/timed_runner.h"
#include "chip/chip_costs.h"
#include "metrics/endurance.h"
#include "metrics/memory_bits.h"
#include "qnn/quantized_perceptron.h"

namespace mx {

std::vector<std::pair<int, int>> parse_pairs(const json& value) {
  std::vector<std::pair<int, int>> pairs;
  if (!value.is_array() || value.empty())
    throw Error("'task.pairs': expected a non-empty array of [class, class] pairs, got " + value.dump());
  for (size_t i = 0; i < value.size(); ++i) {
    const json& pair = value[i];
    // Classes are checked as the integers they are before narrowing: 4294967296 is not class 0.
    auto is_class = [](const json& c) { return c.is_number_integer() && c.get<int64_t>() >= 0 && c.get<int64_t>() < 256; };
    if (!pair.is_array() || pair.size() != 2 || !is_class(pair[0]) || !is_class(pair[1]))
      throw Error("'task.pairs[" + std::to_string(i) + "]': expected [class, class] with classes in [0, 255], got " +
                  shown_value(pair));
    pairs.emplace_back(pair[0].get<int>(), pair[1].get<int>());
  }
  return pairs;
}

namespace {

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

// `task.epochs`: one count for every task, or one per task, each a positive integer.
std::vector<size_t> parse_epochs(const json& value, size_t tasks) {
  auto is_count = [](const json& e) { return e.is_number_integer() && e.get<int64_t>() >= 1 && e.get<int64_t>() <= 1000; };
  if (is_count(value)) return std::vector<size_t>(tasks, value.get<size_t>());
  const std::string expected = "expected an epoch count in [1, 1000] or an array of " + std::to_string(tasks) +
                               " of them (one per task)";
  if (!value.is_array() || value.size() != tasks)
    throw Error("'task.epochs': " + expected + ", got " + shown_value(value));
  std::vector<size_t> epochs;
  for (size_t i = 0; i < value.size(); ++i) {
    if (!is_count(value[i]))
      throw Error("'task.epochs[" + std::to_string(i) + "]': expected an epoch count in [1, 1000], got " +
                  shown_value(value[i]));
    epochs.push_back(value[i].get<size_t>());
  }
  return epochs;
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
  const std::vector<size_t> epochs = parse_epochs(config.at("task.epochs"), sequence.tasks.size());
  for (size_t i = 0; i < sequence.tasks.size(); ++i) sequence.tasks[i].epochs = epochs[i];
  return sequence;
}

namespace {

json update_statistics(const SpikingNetwork& network) {
  const LearningActivity& a = network.rule().activity();
  json updates = device_write_statistics({&network.array(0), &network.array(1)});
  updates.update({{"write_pulses", a.pulses()},
                  {"set_pulses", a.set_pulses},
                  {"reset_pulses", a.reset_pulses},
                  {"ineffective_pulses", a.ineffective_pulses},
                  {"update_events", a.update_events},
                  {"eligible_posts", a.eligible_posts},
                  {"candidates", a.candidates},
                  {"rng_draws", a.rng_draws},
                  {"p_evaluations", a.p_evaluations},
                  {"weight_reads", a.weight_reads},
                  {"m_reads", a.m_reads},
                  {"m_writes", a.m_writes},
                  {"accumulator_updates", a.acc_updates},
                  {"verify_reads", a.verify_reads},
                  {"verify_failures", a.verify_failures}});
  return updates;
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
                     {"epochs", task.epochs},
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

// Replays the tasks through `network`, functional or on its timed chip, with what every run
// reports; `describe` adds what is particular to the network.
template <typename Network>
json replay_network(const Config& config, const TaskSequence& sequence, Network& network,
                    const std::function<void(const ReplayProgress&)>& on_progress, const std::string& trace_dir,
                    const std::function<void(json&)>& describe) {
  // Both runners exist before any sample runs, so a chip that cannot be built fails before
  // the simulation starts.
  std::unique_ptr<TimedRunner> timed;
  FunctionalRunner functional(network);
  if (config.get_string("mode") == "timed") timed = std::make_unique<TimedRunner>(config, network, trace_dir);
  SampleRunner& runner = timed ? static_cast<SampleRunner&>(*timed) : functional;
  const Schedule schedule = schedule_from_config(config, sequence.tasks.size());
  LifetimeReplay life;
  if (schedule.enabled())
    life = replay_lifetime(sequence.tasks, runner, schedule,
                           {&network.array(0), &network.array(1)}, on_progress);
  const ReplayResult replay = schedule.enabled()
                                  ? life.replay
                                  : replay_tasks(sequence.tasks, runner, on_progress);

  json s;
  const SynapseArray* arrays[2] = {&network.array(0), &network.array(1)};
  common_summary(config, sequence, replay, arrays, s);
  s["network"] = {{"kind", config.get_string("network.kind")},
                  {"inputs", network.inputs()},
                  {"hidden", network.hidden()},
                  {"outputs", network.outputs()}};
  describe(s);
  report_warnings(s["memory_bits"]);
  if (timed) {
    s.update(timed->summary());
    add_architect_summary(config, timed->chip(), s);
    if (!trace_dir.empty()) timed->write_traces(trace_dir);
  }
  s["device"]["reads"] = device_read_report(config, {arrays[0], arrays[1]});
  if (schedule.enabled()) s["lifetime"] = lifetime_summary(life, schedule, lifetime_power(config, s), {arrays[0], arrays[1]});
  return s;
}

// System A: the spiking network.
json run_spiking(const Config& config, const TaskSequence& sequence,
                 const std::function<void(const ReplayProgress&)>& on_progress, const std::string& trace_dir) {
  const Task& first = sequence.tasks.front();
  SpikingNetwork network(config, first.dataset->pixels(), first.n_outputs, config.get_uint("seed"));
  return replay_network(config, sequence, network, on_progress, trace_dir, [&](json& s) {
    s["network"]["rule"] = network.rule().name();
    s["updates"] = update_statistics(network);
    s["spikes"] = {{"input", network.spike_count(0)}, {"hidden", network.spike_count(1)},
                   {"output", network.spike_count(2)}};
    s["memory_bits"] = rule_memory(config, network);
  });
}

// System B's memory beside the crossbars: the hidden weights are its consolidation state
// (the "metaplastic storage"), counted like System A's m; the optimizer's moments and the
// mini-batch gradient buffer are learning state System A does not have. System A's figures
// for the same synapses are added for the comparison.
json quantized_memory(const Config& config, const QuantizedPerceptron& network) {
  std::vector<LayerMemory> layers;
  for (unsigned layer = 0; layer < 2; ++layer) {
    const SynapseArray& array = network.array(layer);
    LayerMemory memory;
    memory.synapses = memory.hidden_weights = array.rows() * array.cols();
    memory.devices = array.device_count();
    layers.push_back(memory);
  }
  MemoryWidths widths;
  widths.m_bits = static_cast<unsigned>(config.get_uint("memory.m_bits"));
  widths.acc_bits = static_cast<unsigned>(config.get_uint("memory.acc_bits"));
  widths.hidden_bits = network.hidden_format(0).storage_bits();
  widths.levels = network.array(0).table().size();
  json memory = memory_bits(layers, widths);
  const json unit = network.memory_bits();
  const uint64_t synapses = memory["synapses"].get<uint64_t>();
  const uint64_t learning_state = unit["optimizer_state"].get<uint64_t>() + unit["gradient_buffer"].get<uint64_t>();
  memory["optimizer_state_total"] = unit["optimizer_state"];
  memory["gradient_buffer_total"] = unit["gradient_buffer"];
  memory["digital_unit_total"] = unit["total"];
  memory["digital_unit_per_synapse"] = unit["per_synapse"];
  memory["arithmetic"] = memory["arithmetic"].get<std::string>() + "; learning state " +
                         std::to_string(unit["optimizer_state_bits_per_synapse"].get<uint64_t>()) +
                         " b optimizer + " +
                         std::to_string(unit["gradient_buffer_bits_per_synapse"].get<uint64_t>()) +
                         " b gradient buffer per synapse = " + std::to_string(learning_state) + " b";
  const uint64_t prob_meta = synapses * widths.m_bits, grad_acc = synapses * (widths.m_bits + widths.acc_bits);
  memory["system_a_same_size"] = {
      {"synapses", synapses},
      {"prob_meta_total", prob_meta},
      {"grad_acc_total", grad_acc},
      {"arithmetic", std::to_string(synapses) + " synapses x " + std::to_string(widths.m_bits) +
                         " b m = " + std::to_string(prob_meta) + " b (prob_meta, one m per synapse); x (" +
                         std::to_string(widths.m_bits) + " + " + std::to_string(widths.acc_bits) +
                         ") b = " + std::to_string(grad_acc) + " b (grad_acc)"},
      {"consolidation_ratio_to_prob_meta",
       static_cast<double>(memory["consolidation_total"].get<uint64_t>()) / static_cast<double>(prob_meta)},
      {"digital_unit_ratio_to_prob_meta",
       static_cast<double>(unit["total"].get<uint64_t>()) / static_cast<double>(prob_meta)}};
  return memory;
}

// System B: the quantized perceptron with its digital metaplastic unit.
json run_quantized(const Config& config, const TaskSequence& sequence,
                   const std::function<void(const ReplayProgress&)>& on_progress, const std::string& trace_dir) {
  const Task& first = sequence.tasks.front();
  QuantizedPerceptron network(config, first.dataset->pixels(), first.n_outputs, config.get_uint("seed"),
                              sequence.tasks.size());
  return replay_network(config, sequence, network, on_progress, trace_dir, [&](json& s) {
    s["network"]["rule"] = network.params().meta_m > 0 ? "qnn_meta" : "qnn";
    s["network"]["heads"] = network.heads();
    json statistics = network.statistics();
    s["updates"] = statistics["updates"];
    s["digital_unit"] = statistics["digital_unit"];
    s["memory_bits"] = quantized_memory(config, network);
  });
}

}  // namespace

RunOutput run_experiment(const Config& config, const std::function<void(const ReplayProgress&)>& on_progress,
                         const std::string& trace_dir) {
  const auto start = std::chrono::steady_clock::now();
  const TaskSequence sequence = build_task_sequence(config);
  RunOutput out;
  out.summary = config.get_string("network.kind") == "qnn" ? run_quantized(config, sequence, on_progress, trace_dir)
                                                           : run_spiking(config, sequence, on_progress, trace_dir);
  out.summary["build"] = {{"version", build_info().version}, {"commit", build_info().commit}};
  out.summary["wall_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace mx
