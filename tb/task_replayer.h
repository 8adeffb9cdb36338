#pragma once
// The task replayer: feeds a continual-learning task sequence through a chip — train on a
// task, then test every task seen so far — and records the accuracy matrix. The chip is
// either the functional kernels or the timed SystemC model behind the same interface.
#include <functional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "data/tasks.h"
#include "metrics/accuracy.h"
#include "snn/network.h"

namespace mx {

class SampleRunner {
 public:
  virtual ~SampleRunner() = default;
  virtual void begin_task(size_t task_index) = 0;
  virtual SampleResult run_sample(const uint8_t* image, const std::vector<uint16_t>& permutation, int target) = 0;
  // After a task's training samples, before it is tested (a mini-batch learner applies its
  // last partial batch here).
  virtual void end_training() {}
  // Before a task's test set is run (a learner with per-task state selects that task's).
  virtual void begin_test(size_t /*task_index*/) {}
};

// The untimed mode of any network with run_sample/begin_task: its phases back to back.
template <typename Network>
class FunctionalRunner : public SampleRunner {
 public:
  explicit FunctionalRunner(Network& network) : network_(network) {}
  void begin_task(size_t task_index) override { network_.begin_task(task_index); }
  SampleResult run_sample(const uint8_t* image, const std::vector<uint16_t>& permutation, int target) override {
    return network_.run_sample(image, permutation, target);
  }
  void end_training() override {
    if constexpr (has_flush<Network>::value) network_.flush();
  }
  void begin_test(size_t task_index) override {
    if constexpr (has_begin_test<Network>::value) network_.begin_test(task_index);
  }

 private:
  template <typename T, typename = void>
  struct has_flush : std::false_type {};
  template <typename T>
  struct has_flush<T, std::void_t<decltype(std::declval<T&>().flush())>> : std::true_type {};
  template <typename T, typename = void>
  struct has_begin_test : std::false_type {};
  template <typename T>
  struct has_begin_test<T, std::void_t<decltype(std::declval<T&>().begin_test(size_t{}))>> : std::true_type {};
  Network& network_;
};

struct ReplayProgress {
  size_t samples_done = 0, samples_total = 0;
  double elapsed_s = 0;
  std::string stage;  // "train 2/5", "test 3 after 4"
};

struct ReplayResult {
  AccuracyMatrix accuracy{0};
  size_t train_samples = 0, test_samples = 0;
  double train_wall_s = 0, wall_s = 0;
};

// Each task is trained for its `epochs`, in epoch_order.
ReplayResult replay_tasks(const std::vector<Task>& tasks, SampleRunner& runner,
                          const std::function<void(const ReplayProgress&)>& on_progress);

// Accuracy of the chip on task `task_index` of `tasks`' test set (no learning; the runner is
// told which task it is testing first); `after_sample` runs after each sample.
double evaluate_task(const std::vector<Task>& tasks, size_t task_index, SampleRunner& runner,
                     const std::function<void()>& after_sample = {});

}  // namespace mx
