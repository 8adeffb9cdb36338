#pragma once
// The deployment schedule: when tasks arrive and when the chip is tested, on a calendar in
// seconds since the chip was first programmed. Between these events the chip is idle: no
// samples run, devices drift, leakage accrues (tb/lifetime.h plays it).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mx {

class Config;

// "90s", "15min", "12h", "7d", "2w", "3y" (y = 365 d) or a bare number of seconds; a
// malformed value is an error naming `json_path`.
double parse_duration(const nlohmann::json& value, const std::string& json_path);

struct Schedule {
  std::vector<double> task_s;  // start of every task
  std::vector<double> eval_s;  // evaluation times, increasing
  bool gated = false;          // idle state: power-gated (else retained)
  double battery_mwh = 0;
  double samples_per_s = 1;    // training samples per second while a task is learned
  bool enabled() const { return !task_s.empty(); }
};

// schedule.* and endurance.samples_per_s; `tasks` is the number of tasks of the run (the
// calendar must give each a start time).
Schedule schedule_from_config(const Config& config, size_t tasks);

}  // namespace mx
