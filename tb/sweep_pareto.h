#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "tb/sweep_tables.h"

namespace mx {

// Pareto fronts of accuracy (up) against a cost (down), over design points: the ok rows of
// one set of axis values, averaged over their seeds.
struct ParetoEntry {
  json values;
  size_t seeds = 0;
  double accuracy = 0;
  double cost = 0;
};
struct ParetoFront {
  std::string cost_column;  // the cost minimised
  std::string note;         // why this column, when it stands in for an absent one
  std::vector<ParetoEntry> entries;  // the non-dominated design points, by increasing cost
};
// One front per energy column (energy_pj.total, energy_pj.update); a column no row has is
// replaced by updates.write_pulses, the count the update energy is proportional to.
std::vector<ParetoFront> pareto_fronts(const std::vector<ResultRow>& rows);
std::string pareto_csv(const std::vector<std::string>& axis_keys, const std::vector<ParetoFront>& fronts);

}  // namespace mx
