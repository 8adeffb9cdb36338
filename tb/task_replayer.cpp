#include "tb/task_replayer.h"

#include <chrono>

namespace mx {

namespace {
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}
}  // namespace

double evaluate_task(const std::vector<Task>& tasks, size_t task_index, SampleRunner& runner,
                     const std::function<void()>& after_sample) {
  const Task& task = tasks.at(task_index);
  runner.begin_test(task_index);
  size_t correct = 0;
  for (const Sample& sample : task.test) {
    const SampleResult result = runner.run_sample(task.dataset->test_image(sample.index), task.permutation, -1);
    correct += result.prediction == static_cast<int>(sample.target);
    if (after_sample) after_sample();
  }
  return task.test.empty() ? 0.0 : static_cast<double>(correct) / static_cast<double>(task.test.size());
}

ReplayResult replay_tasks(const std::vector<Task>& tasks, SampleRunner& runner,
                          const std::function<void(const ReplayProgress&)>& on_progress) {
  ReplayResult result;
  result.accuracy = AccuracyMatrix(tasks.size());
  ReplayProgress progress;
  for (size_t i = 0; i < tasks.size(); ++i) {
    progress.samples_total += tasks[i].train.size() * tasks[i].epochs;
    for (size_t j = 0; j <= i; ++j) progress.samples_total += tasks[j].test.size();
  }
  const auto start = Clock::now();
  // Reports at most a few times a second; the callback decides what to show.
  auto last_report = start;
  auto advance = [&](const std::string& stage) {
    ++progress.samples_done;
    const auto now = Clock::now();
    if (on_progress && now - last_report > std::chrono::milliseconds(250)) {
      last_report = now;
      progress.elapsed_s = seconds_since(start);
      progress.stage = stage;
      on_progress(progress);
    }
  };
  for (size_t i = 0; i < tasks.size(); ++i) {
    const Task& task = tasks[i];
    runner.begin_task(i);
    const auto train_start = Clock::now();
    const std::string train_stage = "train task " + std::to_string(i + 1) + "/" + std::to_string(tasks.size());
    for (size_t epoch = 0; epoch < task.epochs; ++epoch)
      for (const Sample& sample : epoch_order(task, epoch)) {
        runner.run_sample(task.dataset->train_image(sample.index), task.permutation, sample.target);
        ++result.train_samples;
        advance(train_stage);
      }
    runner.end_training();
    result.train_wall_s += seconds_since(train_start);
    for (size_t j = 0; j <= i; ++j) {
      const std::string test_stage = "test task " + std::to_string(j + 1) + " after " + std::to_string(i + 1);
      result.accuracy.set(i, j, evaluate_task(tasks, j, runner, [&] {
                            ++result.test_samples;
                            advance(test_stage);
                          }));
    }
  }
  result.wall_s = seconds_since(start);
  return result;
}

}  // namespace mx
