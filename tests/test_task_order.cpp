// Multi-epoch tasks present their training samples in a fresh order every epoch (a data
// loader that reshuffles), while the first epoch keeps the order the task was built with,
// so one-epoch runs (System A) are unchanged.
#include <gtest/gtest.h>

#include <algorithm>

#include "data/tasks.h"

using namespace mx;

namespace {

Task numbered_task(size_t n, uint64_t order_seed) {
  Task task;
  for (uint32_t i = 0; i < n; ++i) task.train.push_back(Sample{i, static_cast<uint16_t>(i % 2)});
  task.order_seed = order_seed;
  return task;
}

std::vector<uint32_t> indices(const std::vector<Sample>& samples) {
  std::vector<uint32_t> out;
  for (const Sample& s : samples) out.push_back(s.index);
  return out;
}

}  // namespace

TEST(EpochOrder, FirstEpochIsTheBuiltOrder) {
  const Task task = numbered_task(50, 7);
  EXPECT_EQ(indices(epoch_order(task, 0)), indices(task.train));
}

TEST(EpochOrder, LaterEpochsArePermutationsThatDiffer) {
  const Task task = numbered_task(200, 7);
  const std::vector<uint32_t> first = indices(epoch_order(task, 0));
  const std::vector<uint32_t> second = indices(epoch_order(task, 1));
  const std::vector<uint32_t> third = indices(epoch_order(task, 2));
  EXPECT_NE(second, first);
  EXPECT_NE(third, second);
  std::vector<uint32_t> sorted = second;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, first);  // the same samples, each once
  for (const Sample& s : epoch_order(task, 1)) EXPECT_EQ(s.target, s.index % 2);  // targets travel along
}

TEST(EpochOrder, DeterministicPerSeed) {
  const Task a = numbered_task(100, 7), b = numbered_task(100, 7), c = numbered_task(100, 8);
  EXPECT_EQ(indices(epoch_order(a, 3)), indices(epoch_order(b, 3)));
  EXPECT_NE(indices(epoch_order(a, 3)), indices(epoch_order(c, 3)));
}
