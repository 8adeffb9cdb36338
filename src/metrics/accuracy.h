#pragma once
// Continual-learning accuracy bookkeeping: R[i][j] is the accuracy on task j measured right
// after training task i (j <= i); the final mean, per-task final accuracies and backward
// transfer (Lopez-Paz & Ranzato, 2017) follow from it.
#include <cstddef>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

namespace mx {

class AccuracyMatrix {
 public:
  explicit AccuracyMatrix(size_t tasks) : r_(tasks, std::vector<std::optional<double>>(tasks)) {}
  void set(size_t trained, size_t tested, double accuracy) { r_.at(trained).at(tested) = accuracy; }
  std::optional<double> at(size_t trained, size_t tested) const { return r_.at(trained).at(tested); }
  size_t tasks() const { return r_.size(); }

  std::vector<double> final_per_task() const;
  double final_mean() const;
  // Mean over tasks j < T-1 of R[T-1][j] - R[j][j]; 0 for a single task.
  double backward_transfer() const;
  nlohmann::json to_json() const;  // rows of numbers, null where a task was not yet trained

 private:
  std::vector<std::vector<std::optional<double>>> r_;
};

}  // namespace mx
