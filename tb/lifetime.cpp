#include "tb/lifetime.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "chip/chip_costs.h"
#include "hw/tech.h"

namespace mx {

namespace {

constexpr double kSecondsPerDay = 86400.0;
// Drift is re-evaluated at least this often while a task trains (a full refresh visits every
// device; devices written since the last one are fresh either way).
constexpr double kTrainingRefreshS = 3600.0;
void set_clock(const std::vector<SynapseArray*>& arrays, double t_s) {
  for (SynapseArray* array : arrays) array->set_clock(t_s);
}

}  // namespace

LifetimeReplay replay_lifetime(const std::vector<Task>& tasks, SampleRunner& runner,
                               const Schedule& schedule, const std::vector<SynapseArray*>& arrays,
                               const std::function<void(const ReplayProgress&)>& on_progress) {
  LifetimeReplay run;
  ReplayResult& result = run.replay;
  result.accuracy = AccuracyMatrix(tasks.size());
  const auto start = std::chrono::steady_clock::now();
  ReplayProgress progress;
  auto report = [&](const std::string& stage) {
    ++progress.samples_done;
    if (on_progress && progress.samples_done % 1000 == 0) {
      progress.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      progress.stage = stage;
      on_progress(progress);
    }
  };
  auto evaluate_all = [&](size_t learned, double t_s) {
    set_clock(arrays, t_s);
    nlohmann::json accuracy = nlohmann::json::array();
    double sum = 0;
    for (size_t j = 0; j < learned; ++j) {
      const double a = evaluate_task(tasks, j, runner, [&] {
        ++result.test_samples;
        report("evaluate at " + std::to_string(t_s / kSecondsPerDay) + " d");
      });
      accuracy.push_back(a);
      sum += a;
    }
    run.evaluations.push_back({{"time_s", t_s},
                               {"time_days", t_s / kSecondsPerDay},
                               {"after_tasks", learned},
                               {"accuracy", accuracy},
                               {"mean", learned ? sum / learned : 0.0}});
  };

  size_t next_eval = 0;
  double clock = 0;
  for (size_t i = 0; i < tasks.size(); ++i) {
    // Evaluations due before this task arrives (one that falls inside a training period
    // runs when that training ends).
    while (next_eval < schedule.eval_s.size() && schedule.eval_s[next_eval] < schedule.task_s[i]) {
      if (i > 0) evaluate_all(i, std::max(clock, schedule.eval_s[next_eval]));
      ++next_eval;
    }
    // A task that arrives while the previous one still trains waits for it.
    const double begin = std::max(clock, schedule.task_s[i]);
    set_clock(arrays, begin);
    run.task_start_s.push_back(begin);
    runner.begin_task(i);
    const auto train_start = std::chrono::steady_clock::now();
    const std::string stage = "train task " + std::to_string(i + 1) + "/" + std::to_string(tasks.size());
    size_t trained = 0;
    double refreshed = begin;
    for (size_t epoch = 0; epoch < tasks[i].epochs; ++epoch)
      for (const Sample& sample : epoch_order(tasks[i], epoch)) {
        // Writes are stamped with the sample's own time on the calendar.
        const double now = begin + static_cast<double>(trained) / schedule.samples_per_s;
        if (now - refreshed >= kTrainingRefreshS) {
          set_clock(arrays, now);
          refreshed = now;
        } else {
          for (SynapseArray* array : arrays) array->stamp_clock(now);
        }
        runner.run_sample(tasks[i].dataset->train_image(sample.index), tasks[i].permutation, sample.target);
        ++trained;
        ++result.train_samples;
        report(stage);
      }
    runner.end_training();
    result.train_wall_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - train_start).count();
    clock = begin + static_cast<double>(trained) / schedule.samples_per_s;
    run.task_end_s.push_back(clock);
    set_clock(arrays, clock);
    for (size_t j = 0; j <= i; ++j)
      result.accuracy.set(i, j, evaluate_task(tasks, j, runner, [&] {
                            ++result.test_samples;
                            report("test task " + std::to_string(j + 1));
                          }));
  }
  for (; next_eval < schedule.eval_s.size(); ++next_eval)
    evaluate_all(tasks.size(), std::max(clock, schedule.eval_s[next_eval]));
  run.end_s = std::max(clock, schedule.eval_s.empty() ? 0.0 : schedule.eval_s.back());
  result.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return run;
}

nlohmann::json lifetime_summary(const LifetimeReplay& run, const Schedule& schedule, const LifetimePower& power,
                                const std::vector<const SynapseArray*>& arrays) {
  nlohmann::json out;
  out["task_start_s"] = run.task_start_s;
  out["task_end_s"] = run.task_end_s;
  out["eval_times_s"] = schedule.eval_s;
  out["evaluations"] = run.evaluations;
  out["idle_state"] = schedule.gated ? "gated" : "retained";
  out["calendar_s"] = run.end_s;

  // Time the chip is busy: training at samples_per_s; tests are counted for energy only.
  const double train_s = static_cast<double>(run.replay.train_samples) / schedule.samples_per_s;
  const double idle_s = std::max(0.0, run.end_s - train_s);
  const double days = run.end_s / kSecondsPerDay;
  // Idle periods: one before every task after the first and one before every evaluation.
  const size_t idle_periods = run.task_start_s.size() - 1 + run.evaluations.size();
  const double idle_pj = schedule.gated ? power.checkpoint_pj * static_cast<double>(idle_periods)
                                        : power.retained_leakage_uw * 1e6 * idle_s;
  nlohmann::json energy = {{"idle_j", idle_pj * 1e-12},
                           {"idle_s", idle_s},
                           {"busy_s", train_s},
                           {"idle_periods", idle_periods},
                           {"retained_leakage_uw", power.retained_leakage_uw},
                           {"checkpoint_pj", power.checkpoint_pj},
                           {"leakage_source", power.leakage_source}};
  if (power.energy_known && days > 0) {
    const double active_pj = power.train_pj_per_sample * static_cast<double>(run.replay.train_samples) +
                             power.test_pj_per_sample * static_cast<double>(run.replay.test_samples);
    const double total_j = (active_pj + idle_pj) * 1e-12;
    const double per_day_j = total_j / days;
    energy["active_j"] = active_pj * 1e-12;
    energy["total_j"] = total_j;
    energy["per_day_j"] = per_day_j;
    energy["average_power_uw"] = total_j / run.end_s * 1e6;
    // 1 mWh = 3.6 J.
    energy["battery_mwh"] = schedule.battery_mwh;
    energy["battery_life_days"] = per_day_j > 0 ? nlohmann::json(schedule.battery_mwh * 3.6 / per_day_j) : nlohmann::json();
  } else {
    energy["note"] = "active energy comes from the timed model: run with --mode timed for the energy figures";
  }
  out["energy"] = energy;

  uint64_t max_writes = 0, total_writes = 0, devices = 0;
  for (const SynapseArray* array : arrays) {
    max_writes = std::max<uint64_t>(max_writes, array->max_writes());
    for (uint32_t w : array->write_counts()) total_writes += w;
    devices += array->device_count();
  }
  nlohmann::json wear = {{"max_writes_per_device", max_writes},
                         {"mean_writes_per_device", devices ? static_cast<double>(total_writes) / devices : 0.0},
                         {"rated_cycles", power.rated_cycles}};
  // The busiest device's writes per calendar second, continued at the same average rate.
  if (max_writes > 0 && run.end_s > 0 && power.rated_cycles > 0)
    wear["first_device_past_rated_days"] =
        power.rated_cycles / (static_cast<double>(max_writes) / run.end_s) / kSecondsPerDay;
  else
    wear["first_device_past_rated_days"] = nullptr;
  out["wear"] = wear;

  return out;
}

LifetimePower lifetime_power(const Config& config, const nlohmann::json& summary) {
  LifetimePower p;
  const Tech tech = load_tech(config);
  if (summary.contains("energy_pj") && summary["energy_pj"].contains("per_sample")) {
    p.train_pj_per_sample = summary["energy_pj"]["per_sample"]["train"].get<double>();
    p.test_pj_per_sample = summary["energy_pj"]["per_sample"]["test"].get<double>();
    p.energy_known = true;
  }
  // The SRAM learning state beside the crossbars is what leaks while the chip waits; the
  // ReRAM is non-volatile and draws nothing unread.
  const double bits = summary.contains("memory_bits") ? summary["memory_bits"]["consolidation_total"].get<double>() : 0;
  const TechEntry& cell = tech.at("sram_cell");
  p.retained_leakage_uw = bits * cell.leakage_uw;
  char figure[64];
  std::snprintf(figure, sizeof figure, "%.6g pW", cell.leakage_uw * 1e6);
  p.leakage_source = std::to_string(static_cast<uint64_t>(bits)) + " SRAM bits x tech sram_cell.leakage_uw " +
                     figure + " (" + cell.source + ")";
  // Gated: every bit written into a spare device (one SET-or-RESET pulse) and read back.
  p.checkpoint_pj = bits * (tech.at("rram_set").energy_pj + tech.at("rram_read").energy_pj);
  const double rated = config.get_double("endurance.rated_cycles");
  p.rated_cycles = rated > 0 ? rated : tech.endurance_cycles();
  return p;
}

nlohmann::json device_read_report(const Config& config, const std::vector<const SynapseArray*>& arrays) {
  const Tech tech = load_tech(config);
  const TechEntry& read = tech.at("rram_read");
  ReadTally tally;
  for (const SynapseArray* array : arrays) {
    tally.conductance += array->read_tally().conductance;
    tally.device_reads += array->read_tally().device_reads;
  }
  const double pulse_s = read.latency_ns * 1e-9;
  const double energy_j = read.read_pj_per_microsiemens() * 1e-12 * tally.conductance_s() * 1e6;
  return {{"reads", tally.device_reads},
          {"conductance_sum_s", tally.conductance_s()},
          {"read_voltage_v", read.voltage_v},
          {"pulse_s", pulse_s},
          {"energy_pj", energy_j * 1e12},
          {"energy_pj_per_read", tally.device_reads ? energy_j * 1e12 / tally.device_reads : 0.0},
          {"constant_model_pj", read.energy_pj * static_cast<double>(tally.device_reads)}};
}

}  // namespace mx
