#include "metrics/accuracy.h"

#include "common/error.h"

namespace mx {

std::vector<double> AccuracyMatrix::final_per_task() const {
  std::vector<double> out;
  for (size_t j = 0; j < tasks(); ++j) {
    const auto value = at(tasks() - 1, j);
    if (!value) throw Error("internal: accuracy of task " + std::to_string(j) + " after the last task is missing");
    out.push_back(*value);
  }
  return out;
}

double AccuracyMatrix::final_mean() const {
  const auto finals = final_per_task();
  double sum = 0;
  for (double a : finals) sum += a;
  return finals.empty() ? 0.0 : sum / static_cast<double>(finals.size());
}

double AccuracyMatrix::backward_transfer() const {
  if (tasks() < 2) return 0.0;
  double sum = 0;
  for (size_t j = 0; j + 1 < tasks(); ++j) sum += *at(tasks() - 1, j) - *at(j, j);
  return sum / static_cast<double>(tasks() - 1);
}

nlohmann::json AccuracyMatrix::to_json() const {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : r_) {
    nlohmann::json cells = nlohmann::json::array();
    for (const auto& cell : row) cells.push_back(cell ? nlohmann::json(*cell) : nlohmann::json(nullptr));
    rows.push_back(cells);
  }
  return rows;
}

}  // namespace mx
