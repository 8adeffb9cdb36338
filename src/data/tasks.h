#pragma once
// Continual-learning task sequences built over a Dataset (SPEC §1.1): split tasks (pairs
// of classes, domain- or class-incremental), permuted tasks, and a sequence of datasets.
// A task lists sample indices, not pixels, so tasks sharing a dataset share its memory.
//
// Every random choice comes from its own stream, derive_seed(seed, tag), so changing
// e.g. the number of permuted tasks never changes which samples were selected.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "data/dataset.h"

namespace mx {

struct Sample {
  uint32_t index;   // into the dataset's train or test split
  uint16_t target;  // output neuron index
};

struct Task {
  std::string name;  // e.g. "0/1", "permuted 2", "mnist"
  const Dataset* dataset = nullptr;
  std::vector<uint16_t> permutation;  // empty = identity; else presented pixel i = original pixel permutation[i]
  std::vector<Sample> train, test;    // train in presentation order, test in index order
  uint32_t n_outputs = 0;
  uint64_t order_seed = 0;  // the stream later epochs reshuffle `train` from
  size_t epochs = 1;        // passes over `train` when the task is learned
};

// The presentation order of a task's training samples in `epoch` (0-based): epoch 0 is
// `task.train` as built; every later epoch is a fresh permutation of it, so a multi-epoch
// learner with mini-batches does not see the same batches again (as a data loader with
// shuffling does). One-epoch runs are unchanged.
std::vector<Sample> epoch_order(const Task& task, size_t epoch);

struct SplitOptions {
  std::vector<std::pair<int, int>> pairs = {{0, 1}, {2, 3}, {4, 5}, {6, 7}, {8, 9}};
  bool class_incremental = false;  // false: targets 0/1 = pair's first/second class; true: target = label
};

// Which samples take part, before any task is formed. 0 means all. train_per_class wins
// over train_samples; a class with fewer images than train_per_class contributes all it
// has (the paper's "6000 per class" on MNIST, whose digit 5 has 5421), and a request for
// more samples than the split holds takes the whole split.
struct SelectionOptions {
  size_t train_samples = 0;
  size_t test_samples = 0;
  size_t train_per_class = 0;
};

// The pairs build_split_tasks accepts (classes 0..9, two different classes); checked
// without data, so a sweep can refuse a bad point before any point runs.
void check_split_pairs(const std::vector<std::pair<int, int>>& pairs);

// One task per pair; a task's train list is the selected training samples of its two
// classes, shuffled; its test list the selected test samples of those classes.
std::vector<Task> build_split_tasks(const Dataset& data, const SplitOptions& split, const SelectionOptions& select,
                                    uint64_t seed);

// n_tasks tasks over all ten classes (target = label), each with its own pixel
// permutation; the first task shows the images unpermuted unless permute_first.
std::vector<Task> build_permuted_tasks(const Dataset& data, size_t n_tasks, bool permute_first,
                                       const SelectionOptions& select, uint64_t seed);

// One task per dataset (e.g. MNIST then Fashion-MNIST), all classes, target = label.
// The datasets must have the same image size.
std::vector<Task> build_dataset_sequence(const std::vector<const Dataset*>& datasets,
                                         const SelectionOptions& select, uint64_t seed);

}  // namespace mx
