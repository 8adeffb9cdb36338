#include "data/tasks.h"

#include <algorithm>
#include <array>
#include <limits>
#include <numeric>

#include "common/error.h"
#include "common/random.h"

namespace mx {
namespace {

// Away from the network's tags (1..8) and the learning rule's (101..), so a run that
// uses one seed for everything still draws its data choices from separate streams.
enum StreamTag : uint64_t { kTrainSelection = 201, kTestSelection = 202, kTrainOrder = 203, kPermutation = 204 };

constexpr int kClasses = 10;

// Stream `index` of a purpose: per task (order, permutation) or per dataset (selection).
Rng stream(uint64_t seed, StreamTag tag, uint64_t index) { return Rng(derive_seed(derive_seed(seed, tag), index)); }

// Up to `k` of `pool` (0 = all) drawn uniformly without replacement, in increasing order.
std::vector<uint32_t> choose(std::vector<uint32_t> pool, size_t k, Rng& rng) {
  if (k == 0 || k >= pool.size()) return pool;
  for (size_t i = 0; i < k; ++i) std::swap(pool[i], pool[i + rng.below(pool.size() - i)]);
  pool.resize(k);
  std::sort(pool.begin(), pool.end());
  return pool;
}

std::vector<uint32_t> all_indices(size_t n) {
  std::vector<uint32_t> indices(n);
  std::iota(indices.begin(), indices.end(), 0u);
  return indices;
}

struct Selection {
  std::vector<uint32_t> train, test;  // increasing indices
};

// Selection precedes task formation (as in the reference), so every task built from one
// selection draws from the same pool of images.
Selection select_samples(const Dataset& data, const SelectionOptions& options, uint64_t seed, uint64_t index) {
  Selection selection;
  Rng train_rng = stream(seed, kTrainSelection, index);
  if (options.train_per_class > 0) {
    std::array<std::vector<uint32_t>, kClasses> by_class;
    for (uint32_t i = 0; i < data.train_size(); ++i)
      if (data.train_labels[i] < kClasses) by_class[data.train_labels[i]].push_back(i);
    for (auto& members : by_class) {
      const auto chosen = choose(std::move(members), options.train_per_class, train_rng);
      selection.train.insert(selection.train.end(), chosen.begin(), chosen.end());
    }
    std::sort(selection.train.begin(), selection.train.end());
  } else {
    selection.train = choose(all_indices(data.train_size()), options.train_samples, train_rng);
  }
  Rng test_rng = stream(seed, kTestSelection, index);
  selection.test = choose(all_indices(data.test_size()), options.test_samples, test_rng);
  return selection;
}

std::string describe(const SelectionOptions& options) {
  return "train_per_class " + std::to_string(options.train_per_class) + ", train_samples " +
         std::to_string(options.train_samples) + ", test_samples " + std::to_string(options.test_samples);
}

// Output neuron of each label, or -1 for labels that are not part of the task.
using TargetMap = std::array<int, 256>;

TargetMap identity_targets() {
  TargetMap map;
  map.fill(-1);
  for (int c = 0; c < kClasses; ++c) map[c] = c;
  return map;
}

void collect(const std::vector<uint32_t>& indices, const std::vector<uint8_t>& labels, const TargetMap& targets,
             std::vector<Sample>& out) {
  for (uint32_t i : indices)
    if (targets[labels[i]] >= 0) out.push_back(Sample{i, static_cast<uint16_t>(targets[labels[i]])});
}

Task make_task(std::string name, const Dataset& data, const Selection& selection, const TargetMap& targets,
               uint32_t n_outputs, Rng order_rng, const SelectionOptions& options) {
  Task task;
  task.name = std::move(name);
  task.dataset = &data;
  task.n_outputs = n_outputs;
  collect(selection.train, data.train_labels, targets, task.train);
  collect(selection.test, data.test_labels, targets, task.test);
  const auto require = [&](const std::vector<Sample>& samples, const char* split) {
    if (samples.empty())
      throw Error("task '" + task.name + "' of " + data.name + " has no " + split + " samples after selection (" +
                  describe(options) + ")");
  };
  require(task.train, "training");
  require(task.test, "test");
  shuffle(task.train, order_rng);
  task.order_seed = order_rng.next_u64();
  return task;
}

}  // namespace

std::vector<Sample> epoch_order(const Task& task, size_t epoch) {
  std::vector<Sample> order = task.train;
  if (epoch == 0) return order;
  Rng rng(derive_seed(task.order_seed, epoch));
  shuffle(order, rng);
  return order;
}

void check_split_pairs(const std::vector<std::pair<int, int>>& pairs) {
  if (pairs.empty()) throw Error("split tasks: no class pairs given");
  for (const auto& [first, second] : pairs) {
    const std::string pair = "(" + std::to_string(first) + ", " + std::to_string(second) + ")";
    if (first < 0 || first >= kClasses || second < 0 || second >= kClasses)
      throw Error("split tasks: class pair " + pair + ": classes must be 0..9");
    if (first == second) throw Error("split tasks: class pair " + pair + ": the two classes must differ");
  }
}

std::vector<Task> build_split_tasks(const Dataset& data, const SplitOptions& split, const SelectionOptions& select,
                                    uint64_t seed) {
  check_split_pairs(split.pairs);

  const Selection selection = select_samples(data, select, seed, 0);
  std::vector<Task> tasks;
  for (size_t t = 0; t < split.pairs.size(); ++t) {
    const auto [first, second] = split.pairs[t];
    TargetMap targets;
    targets.fill(-1);
    targets[first] = split.class_incremental ? first : 0;
    targets[second] = split.class_incremental ? second : 1;
    tasks.push_back(make_task(std::to_string(first) + "/" + std::to_string(second), data, selection, targets,
                              split.class_incremental ? kClasses : 2, stream(seed, kTrainOrder, t), select));
  }
  return tasks;
}

std::vector<Task> build_permuted_tasks(const Dataset& data, size_t n_tasks, bool permute_first,
                                       const SelectionOptions& select, uint64_t seed) {
  if (n_tasks == 0) throw Error("permuted tasks: the number of tasks must be at least 1");
  const size_t pixels = data.pixels();
  if (pixels == 0 || pixels > size_t{std::numeric_limits<uint16_t>::max()} + 1)
    throw Error("permuted tasks: " + data.name + " has " + std::to_string(pixels) +
                " pixels per image: expected 1 to 65536");

  const Selection selection = select_samples(data, select, seed, 0);
  std::vector<Task> tasks;
  for (size_t t = 0; t < n_tasks; ++t) {
    Task task = make_task("permuted " + std::to_string(t + 1), data, selection, identity_targets(), kClasses,
                          stream(seed, kTrainOrder, t), select);
    if (t > 0 || permute_first) {
      task.permutation.resize(pixels);
      std::iota(task.permutation.begin(), task.permutation.end(), uint16_t{0});
      Rng rng = stream(seed, kPermutation, t);
      shuffle(task.permutation, rng);
    }
    tasks.push_back(std::move(task));
  }
  return tasks;
}

std::vector<Task> build_dataset_sequence(const std::vector<const Dataset*>& datasets,
                                         const SelectionOptions& select, uint64_t seed) {
  if (datasets.empty()) throw Error("dataset sequence: no datasets given");
  for (const Dataset* data : datasets)
    if (!data) throw Error("dataset sequence: a dataset is missing (null)");
  const Dataset& head = *datasets.front();
  for (const Dataset* data : datasets)
    if (data->rows != head.rows || data->cols != head.cols)
      throw Error("dataset sequence: " + data->name + " has " + std::to_string(data->rows) + "x" +
                  std::to_string(data->cols) + " images but " + head.name + " has " + std::to_string(head.rows) +
                  "x" + std::to_string(head.cols) + ": expected the same size");

  std::vector<Task> tasks;
  for (size_t t = 0; t < datasets.size(); ++t) {
    const Dataset& data = *datasets[t];
    tasks.push_back(make_task(data.name, data, select_samples(data, select, seed, t), identity_targets(), kClasses,
                              stream(seed, kTrainOrder, t), select));
  }
  return tasks;
}

}  // namespace mx
