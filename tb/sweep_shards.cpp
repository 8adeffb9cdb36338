#include "tb/sweep_shards.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>

#include "common/error.h"
#include "tb/sweep_util.h"

namespace mx {

namespace fs = std::filesystem;
using namespace sweep_detail;

Shard parse_shard(const std::string& text) {
  const std::string usage = "--shard '" + text + "': expected I/N with 0 <= I < N, e.g. 0/4";
  const size_t slash = text.find('/');
  auto number = [&](const std::string& part) {
    const bool digits = std::all_of(part.begin(), part.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
    if (part.empty() || part.size() > 9 || !digits) throw Error(usage);
    return static_cast<size_t>(std::stoul(part));
  };
  if (slash == std::string::npos) throw Error(usage);
  Shard shard{number(text.substr(0, slash)), number(text.substr(slash + 1))};
  if (shard.count == 0 || shard.index >= shard.count) throw Error(usage);
  return shard;
}

std::string Shard::table_stem() const {
  if (count == 1) return "results";
  return "results-shard-" + std::to_string(index) + "-of-" + std::to_string(count);
}

// ---- merging shard tables ----

MergeResult merge_shards(const std::vector<std::string>& dirs) {
  if (dirs.empty()) throw Error("merge: expected at least one sweep directory");
  MergeResult merged;
  std::map<std::string, ResultRow> found;  // point id -> its row, an ok one when any table has one
  for (size_t d = 0; d < dirs.size(); ++d) {
    const std::string manifest_path = dirs[d] + "/sweep.json";
    bool present = false;
    const json manifest = json::parse(read_text(manifest_path, &present), nullptr, false);
    if (!present) throw Error(dirs[d] + ": no sweep.json (not the --out directory of a sweep?)");
    Sweep sweep = sweep_from_manifest(manifest, manifest_path);
    if (d == 0) {
      merged.sweep = std::move(sweep);
    } else if (sweep.fingerprint != merged.sweep.fingerprint || sweep.points.size() != merged.sweep.points.size()) {
      throw Error("merge: " + dirs[d] + " holds a different sweep than " + dirs[0] + " (" + sweep.origin + " vs " +
                  merged.sweep.origin + ", fingerprints " + sweep.fingerprint + " and " + merged.sweep.fingerprint + ")");
    }
    // The whole-sweep table first, then the shard tables, which are at least as new.
    std::vector<std::string> tables;
    if (fs::exists(dirs[d] + "/results.jsonl")) tables.push_back(dirs[d] + "/results.jsonl");
    std::vector<std::string> shards;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dirs[d], ec)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind("results-shard-", 0) == 0 && name.size() > 6 && name.substr(name.size() - 6) == ".jsonl")
        shards.push_back(dirs[d] + "/" + name);
    }
    std::sort(shards.begin(), shards.end());
    tables.insert(tables.end(), shards.begin(), shards.end());
    for (const auto& table : tables) {
      bool readable = false;
      const std::string text = read_text(table, &readable);
      if (!readable) throw Error(table + ": cannot read");
      for (auto& row : parse_results_jsonl(text, merged.sweep.axis_keys(), table)) {
        if (row.index >= merged.sweep.points.size() || merged.sweep.points[row.index].id != row.point)
          throw Error(table + ": point " + row.point + " (index " + std::to_string(row.index) +
                      ") is not a point of this sweep: a table left from an earlier sweep? delete it");
        auto it = found.find(row.point);
        if (it == found.end()) found.emplace(row.point, std::move(row));
        else if (it->second.status != "ok") it->second = std::move(row);
      }
      merged.tables.push_back(table);
    }
  }
  std::vector<std::string> missing;
  for (const auto& point : merged.sweep.points) {
    const auto it = found.find(point.id);
    if (it == found.end()) missing.push_back(point.id + " (index " + std::to_string(point.index) + ")");
    else merged.rows.push_back(it->second);
  }
  if (!missing.empty()) {
    std::string list;
    constexpr size_t kShown = 10;
    for (size_t i = 0; i < missing.size() && i < kShown; ++i) list += (i ? ", " : "") + missing[i];
    if (missing.size() > kShown) list += ", and " + std::to_string(missing.size() - kShown) + " more";
    throw Error("merge: " + std::to_string(missing.size()) + " of " + std::to_string(merged.sweep.points.size()) +
                " points have no row in the " + std::to_string(merged.tables.size()) +
                " tables read: " + list + "; run their shards (or pass the directories that hold them)");
  }
  return merged;
}

}  // namespace mx
