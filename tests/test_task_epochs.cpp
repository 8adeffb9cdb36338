// Each task is learned for its own number of epochs, and both replayers (the plain one and
// the service-life calendar) present them in epoch_order, so a lifetime run trains on the
// batches a plain run does.
#include <gtest/gtest.h>

#include <vector>

#include "data/tasks.h"
#include "life/schedule.h"
#include "tb/lifetime.h"
#include "tb/task_replayer.h"

using namespace mx;

namespace {

// Records the training samples it is given (target >= 0), in order.
class RecordingRunner : public SampleRunner {
 public:
  explicit RecordingRunner(const Dataset& dataset) : dataset_(dataset) {}
  void begin_task(size_t) override {}
  SampleResult run_sample(const uint8_t* image, const std::vector<uint16_t>&, int target) override {
    if (target >= 0) trained.push_back(static_cast<uint32_t>(image - dataset_.train_images.data()));  // 1-pixel images
    return SampleResult{};
  }
  std::vector<uint32_t> trained;

 private:
  const Dataset& dataset_;
};

Dataset blank_dataset(size_t train) {
  Dataset d;
  d.rows = d.cols = 1;
  d.train_images = std::vector<uint8_t>(train, 0);
  d.train_labels.assign(train, 0);
  d.test_images = std::vector<uint8_t>(1, 0);
  d.test_labels.assign(1, 0);
  return d;
}

std::vector<Task> two_tasks(const Dataset& data, size_t first_epochs, size_t second_epochs) {
  std::vector<Task> tasks(2);
  for (size_t t = 0; t < 2; ++t) {
    tasks[t].dataset = &data;
    tasks[t].order_seed = 11 + t;
    tasks[t].test = {Sample{0, 0}};
    for (uint32_t i = 0; i < 6; ++i) tasks[t].train.push_back(Sample{static_cast<uint32_t>(t * 6 + i), 0});
  }
  tasks[0].epochs = first_epochs;
  tasks[1].epochs = second_epochs;
  return tasks;
}

// What a learner of `tasks` must be shown: every task's epochs, each in its epoch order.
std::vector<uint32_t> expected_training(const std::vector<Task>& tasks) {
  std::vector<uint32_t> out;
  for (const Task& task : tasks)
    for (size_t epoch = 0; epoch < task.epochs; ++epoch)
      for (const Sample& s : epoch_order(task, epoch)) out.push_back(s.index);
  return out;
}

}  // namespace

TEST(TaskEpochs, ReplayTrainsEachTaskForItsOwnEpochs) {
  const Dataset data = blank_dataset(12);
  const std::vector<Task> tasks = two_tasks(data, 3, 1);
  RecordingRunner runner(data);
  const ReplayResult result = replay_tasks(tasks, runner, {});
  EXPECT_EQ(result.train_samples, 6u * 3 + 6u * 1);
  EXPECT_EQ(runner.trained, expected_training(tasks));
}

TEST(TaskEpochs, LifetimeReplayShowsTheSameOrderAsAPlainReplay) {
  const Dataset data = blank_dataset(12);
  const std::vector<Task> tasks = two_tasks(data, 2, 3);
  RecordingRunner plain(data), life(data);
  replay_tasks(tasks, plain, {});
  Schedule schedule;
  schedule.task_s = {0, 1e6};
  schedule.eval_s = {2e6};
  const LifetimeReplay run = replay_lifetime(tasks, life, schedule, {}, {});
  EXPECT_EQ(run.replay.train_samples, 6u * 2 + 6u * 3);
  EXPECT_EQ(life.trained, plain.trained);
  // The later epochs really are reshuffled (the comparison above would hold for a fixed order too).
  EXPECT_NE(std::vector<uint32_t>(plain.trained.begin(), plain.trained.begin() + 6),
            std::vector<uint32_t>(plain.trained.begin() + 6, plain.trained.begin() + 12));
}
