#pragma once
// Shards of a sweep (the points with index % N == I) and merging their tables.
#include <cstddef>
#include <string>
#include <vector>

#include "tb/sweep_file.h"
#include "tb/sweep_tables.h"

namespace mx {

// "I/N": the points with index % N == I.
struct Shard {
  size_t index = 0;
  size_t count = 1;
  bool contains(size_t point_index) const { return point_index % count == index; }
  std::string table_stem() const;  // "results" for the whole sweep, else "results-shard-I-of-N"
};
Shard parse_shard(const std::string& text);

// Combines the shard tables found in `dirs` into one table in point order; throws when the
// directories hold different sweeps or some point has no row (naming them).
struct MergeResult {
  Sweep sweep;  // from the first directory's sweep.json
  std::vector<ResultRow> rows;
  std::vector<std::string> tables;  // the shard tables read
};
MergeResult merge_shards(const std::vector<std::string>& dirs);

}  // namespace mx
