#pragma once
// A run from a config: load the data, build the task sequence and the chip, replay the
// tasks, and assemble summary.json. The command line and the tests both call this.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "data/dataset.h"
#include "data/tasks.h"
#include "tb/task_replayer.h"

namespace mx {

// Datasets and tasks a config describes (the datasets own the images the tasks point at).
struct TaskSequence {
  std::vector<std::unique_ptr<Dataset>> datasets;
  std::vector<Task> tasks;
};
TaskSequence build_task_sequence(const Config& config);
// `task.pairs` as class pairs, each class range-checked as the integer it is.
std::vector<std::pair<int, int>> parse_pairs(const json& value);

struct RunOutput {
  nlohmann::json summary;
};

// Runs the config in its mode ("functional" or "timed"); progress goes to `on_progress`.
// The timed mode writes its traces into `trace_dir` (none when empty).
RunOutput run_experiment(const Config& config, const std::function<void(const ReplayProgress&)>& on_progress,
                         const std::string& trace_dir = "");

}  // namespace mx
