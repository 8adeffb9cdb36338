#include "device/transition_table.h"

#include <algorithm>

#include "common/csv_file.h"
#include "common/error.h"
#include "common/input_limits.h"
#include "device/level_table.h"

namespace mx {

namespace {

unsigned adjacent(unsigned level, int direction, size_t levels) {
  if (direction > 0) return level + 1 < levels ? level + 1 : level;
  return level == 0 ? 0 : level - 1;
}

}  // namespace

TransitionTable::TransitionTable(std::vector<std::vector<std::vector<uint64_t>>> counts, const std::string& origin)
    : counts_(std::move(counts)) {
  if (counts_.size() < 2) throw Error(origin + ": a transition table needs at least 2 levels");
  totals_.assign(counts_.size(), {0, 0});
  for (size_t level = 0; level < counts_.size(); ++level) {
    if (counts_[level].size() != 2) throw Error(origin + ": expected SET and RESET counts per level");
    for (int pulse = 0; pulse < 2; ++pulse) {
      if (counts_[level][pulse].size() != counts_.size())
        throw Error(origin + ": every level needs a count for every level after the pulse");
      for (uint64_t c : counts_[level][pulse]) totals_[level][pulse] += c;
    }
  }
}

TransitionTable TransitionTable::from_file(const std::string& path) {
  const CsvFile csv = read_csv_file(path, "the transition table", kMaxInputFileBytes);
  if (csv.header.number == 0) throw Error(path + ": no transition counts");
  csv.require_header({"level_before", "pulse", "level_after", "count"});
  struct Row {
    unsigned before, after;
    int pulse;
    uint64_t count;
  };
  std::vector<Row> rows;
  unsigned top = 0;
  for (const CsvLine& line : csv.rows) {
    csv.require_cells(line);
    const std::string &before = line.cells[0], &pulse = line.cells[1], &after = line.cells[2],
                      &count = line.cells[3];
    Row row{};
    try {
      size_t used = 0;
      const long b = std::stol(before, &used);
      if (used != before.size() || b < 0 || b >= static_cast<long>(kMaxLevels)) throw std::invalid_argument("");
      const long a = std::stol(after, &used);
      if (used != after.size() || a < 0 || a >= static_cast<long>(kMaxLevels)) throw std::invalid_argument("");
      const long long c = std::stoll(count, &used);
      if (used != count.size() || c < 0) throw std::invalid_argument("");
      row.before = static_cast<unsigned>(b);
      row.after = static_cast<unsigned>(a);
      row.count = static_cast<uint64_t>(c);
    } catch (const std::exception&) {
      throw Error(csv.where(line) + ": expected integers level_before and level_after in 0.." +
                  std::to_string(kMaxLevels - 1) + " and a non-negative count, got '" + line.text + "'");
    }
    if (pulse == "set") row.pulse = 1;
    else if (pulse == "reset") row.pulse = 0;
    else throw Error(csv.where(line) + ": pulse: expected set or reset, got '" + pulse + "'");
    top = std::max({top, row.before, row.after});
    rows.push_back(row);
  }
  if (rows.empty()) throw Error(path + ": no transition counts");
  std::vector<std::vector<std::vector<uint64_t>>> counts(
      top + 1, std::vector<std::vector<uint64_t>>(2, std::vector<uint64_t>(top + 1, 0)));
  for (const Row& row : rows) counts[row.before][row.pulse][row.after] += row.count;
  return TransitionTable(std::move(counts), path);
}

unsigned TransitionTable::outcome(unsigned level, int direction, double u) const {
  const int pulse = direction > 0;
  const uint64_t total = totals_[level][pulse];
  if (total == 0) return adjacent(level, direction, counts_.size());
  const double target = u * static_cast<double>(total);
  uint64_t cumulative = 0;
  for (unsigned after = 0; after < counts_.size(); ++after) {
    cumulative += counts_[level][pulse][after];
    if (target < static_cast<double>(cumulative)) return after;
  }
  return static_cast<unsigned>(counts_.size() - 1);
}

double TransitionTable::probability(unsigned level, int direction, unsigned after) const {
  const uint64_t total = totals_[level][direction > 0];
  return total ? static_cast<double>(counts_[level][direction > 0][after]) / static_cast<double>(total) : 0.0;
}

std::string TransitionTable::to_csv() const {
  std::string out = "level_before,pulse,level_after,count\n";
  for (size_t level = 0; level < counts_.size(); ++level)
    for (int pulse = 1; pulse >= 0; --pulse)
      for (size_t after = 0; after < counts_.size(); ++after)
        if (counts_[level][pulse][after])
          out += std::to_string(level) + (pulse ? ",set," : ",reset,") + std::to_string(after) + "," +
                 std::to_string(counts_[level][pulse][after]) + "\n";
  return out;
}

}  // namespace mx
