#include "qnn/level_grid.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "common/error.h"

namespace mx {

LevelGrid::LevelGrid(const SynapseArray& array) {
  if (array.n_mem() != 1)
    throw Error("device.n_mem: System B (network.kind \"qnn\") programs one device per weight; expected 1, got " +
                std::to_string(array.n_mem()));
  const LevelTable& table = array.table();
  for (size_t k = 0; k < table.size(); ++k) levels_.push_back(array.weight_of_conductance(1.0 / table[k].r_ohm));
  check_and_index();
}

LevelGrid::LevelGrid(std::vector<double> level_weights) : levels_(std::move(level_weights)) { check_and_index(); }

void LevelGrid::check_and_index() {
  if (levels_.size() < 2) throw Error("device.levels: a level grid needs at least 2 levels");
  for (size_t k = 1; k < levels_.size(); ++k)
    if (!(levels_[k] > levels_[k - 1]))
      throw Error("device.levels: level weights must increase with the level index (level " + std::to_string(k) +
                  ")");
  thresholds_.clear();
  for (size_t k = 0; k + 1 < levels_.size(); ++k) thresholds_.push_back(0.5 * (levels_[k] + levels_[k + 1]));
  w_max_ = std::max(std::fabs(levels_.front()), std::fabs(levels_.back()));
}

unsigned LevelGrid::nearest(double w) const {
  return static_cast<unsigned>(std::upper_bound(thresholds_.begin(), thresholds_.end(), w) - thresholds_.begin());
}

unsigned LevelGrid::interval(double w) const {
  const size_t above = static_cast<size_t>(std::upper_bound(levels_.begin(), levels_.end(), w) - levels_.begin());
  return static_cast<unsigned>(std::clamp<size_t>(above, 1, levels_.size() - 1) - 1);
}

}  // namespace mx
