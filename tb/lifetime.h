#pragma once
// A run on a deployment calendar (schedule.*): tasks arrive at their start times, the chip is
// tested after each task (the accuracy matrix) and at every evaluation time, and between
// events it sits idle while its devices drift. The deployment clock lives in the crossbar
// arrays, moved only here, so the functional and the timed model see the same drift.
#include <functional>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "device/synapse_array.h"
#include "life/schedule.h"
#include "tb/task_replayer.h"

namespace mx {

struct LifetimeReplay {
  ReplayResult replay;
  nlohmann::json evaluations = nlohmann::json::array();  // {time_s, after_tasks, accuracy[], mean}
  std::vector<double> task_start_s, task_end_s;
  double end_s = 0;  // the end of the calendar: the last evaluation or training end
};

LifetimeReplay replay_lifetime(const std::vector<Task>& tasks, SampleRunner& runner,
                               const Schedule& schedule, const std::vector<SynapseArray*>& arrays,
                               const std::function<void(const ReplayProgress&)>& on_progress);

// What the power figures of a deployment are made of.
struct LifetimePower {
  double train_pj_per_sample = 0, test_pj_per_sample = 0;  // from the timed model; 0 = unknown
  bool energy_known = false;
  double retained_leakage_uw = 0;   // chip leakage while idle and powered
  double checkpoint_pj = 0;         // gated: save and restore the SRAM state once
  std::string leakage_source;
  double rated_cycles = 0;
};

// summary.json's `lifetime` section.
nlohmann::json lifetime_summary(const LifetimeReplay& run, const Schedule& schedule, const LifetimePower& power,
                                const std::vector<const SynapseArray*>& arrays);

// The power figures of a finished run: its per-sample energies (summary["energy"], timed
// mode), the leakage of the SRAM state it keeps (summary["memory_bits"]) and the tech table.
LifetimePower lifetime_power(const Config& config, const nlohmann::json& summary);

// The device reads of a run: V² x G x t summed over every device read, with the read voltage
// and pulse width of the tech table's rram_read, beside the constant per-read figure.
nlohmann::json device_read_report(const Config& config, const std::vector<const SynapseArray*>& arrays);

}  // namespace mx
