#include "life/schedule.h"

#include <cmath>
#include <cstdlib>

#include "common/error.h"
#include "config/config.h"

namespace mx {

double parse_duration(const nlohmann::json& value, const std::string& json_path) {
  if (value.is_number()) {
    const double s = value.get<double>();
    if (!(s >= 0) || !std::isfinite(s)) throw Error("'" + json_path + "': expected a duration >= 0, got " + value.dump());
    return s;
  }
  const std::string expected = "expected a duration like \"7d\" (units s, min, h, d, w, y), got ";
  if (!value.is_string()) throw Error("'" + json_path + "': " + expected + value.dump());
  const std::string text = value.get<std::string>();
  char* end = nullptr;
  const double number = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || !(number >= 0) || !std::isfinite(number))
    throw Error("'" + json_path + "': " + expected + value.dump());
  const std::string unit(end);
  static const std::pair<const char*, double> units[] = {{"", 1},        {"s", 1},           {"min", 60},
                                                          {"h", 3600},   {"d", 86400},       {"w", 7 * 86400.0},
                                                          {"y", 365 * 86400.0}};
  for (const auto& [name, seconds] : units)
    if (unit == name) return number * seconds;
  throw Error("'" + json_path + "': " + expected + value.dump());
}

namespace {

std::vector<double> parse_times(const Config& config, const std::string& key) {
  const nlohmann::json& value = config.at(key);
  if (!value.is_array()) throw Error("'" + key + "': expected an array of durations, got " + value.dump());
  std::vector<double> times;
  for (size_t i = 0; i < value.size(); ++i) {
    const std::string path = key + "[" + std::to_string(i) + "]";
    times.push_back(parse_duration(value[i], path));
    if (i > 0 && times[i] <= times[i - 1])
      throw Error("'" + path + "': expected times in increasing order, got " + value[i].dump() + " after " +
                  value[i - 1].dump());
  }
  return times;
}

}  // namespace

Schedule schedule_from_config(const Config& config, size_t tasks) {
  Schedule s;
  s.task_s = parse_times(config, "schedule.task_times");
  s.eval_s = parse_times(config, "schedule.eval_times");
  s.gated = config.get_string("schedule.idle_state") == "gated";
  s.battery_mwh = config.get_double("schedule.battery_mwh");
  s.samples_per_s = config.get_double("endurance.samples_per_s");
  if (!s.task_s.empty() && s.task_s.size() != tasks)
    throw Error("'schedule.task_times': expected a start time for each of the " + std::to_string(tasks) +
                " tasks, got " + std::to_string(s.task_s.size()));
  if (s.task_s.empty() && !s.eval_s.empty())
    throw Error("'schedule.eval_times': evaluation times need schedule.task_times");
  return s;
}

}  // namespace mx
