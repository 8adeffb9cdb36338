#include "tb/sweep_pareto.h"

#include <algorithm>
#include <map>

#include "tb/sweep_util.h"

namespace mx {

using namespace sweep_detail;

namespace {

// Design points (ok rows grouped by axis values, in first-seen order) with seed means.
std::vector<ParetoEntry> design_points(const std::vector<ResultRow>& rows, const std::string& cost_column) {
  std::vector<ParetoEntry> points;
  std::map<std::string, size_t> slot;
  for (const auto& row : rows) {
    if (row.status != "ok" || !row.metrics.contains("accuracy.final_mean") || !row.metrics.contains(cost_column))
      continue;
    const auto [it, fresh] = slot.emplace(canonical(row.values).dump(), points.size());
    if (fresh) points.push_back({row.values, 0, 0, 0});
    ParetoEntry& entry = points[it->second];
    entry.seeds += 1;
    entry.accuracy += row.metrics["accuracy.final_mean"].get<double>();
    entry.cost += row.metrics[cost_column].get<double>();
  }
  for (auto& entry : points) entry.accuracy /= entry.seeds, entry.cost /= entry.seeds;
  return points;
}

bool dominates(const ParetoEntry& a, const ParetoEntry& b) {
  return a.accuracy >= b.accuracy && a.cost <= b.cost && (a.accuracy > b.accuracy || a.cost < b.cost);
}

}  // namespace

std::vector<ParetoFront> pareto_fronts(const std::vector<ResultRow>& rows) {
  const std::string stand_in = "updates.write_pulses";
  std::vector<ParetoFront> fronts;
  for (const std::string column : {"energy_pj.total", "energy_pj.update"}) {
    const bool present = std::any_of(rows.begin(), rows.end(), [&](const ResultRow& r) {
      return r.status == "ok" && r.metrics.contains(column);
    });
    ParetoFront front;
    front.cost_column = present ? column : stand_in;
    if (!present) front.note = column + " absent: front on " + stand_in + " instead";
    if (std::any_of(fronts.begin(), fronts.end(), [&](const ParetoFront& f) { return f.cost_column == front.cost_column; })) {
      fronts.back().note = "energy_pj.total and energy_pj.update absent: front on " + stand_in + " instead";
      continue;
    }
    const std::vector<ParetoEntry> candidates = design_points(rows, front.cost_column);
    for (const auto& candidate : candidates)
      if (std::none_of(candidates.begin(), candidates.end(), [&](const ParetoEntry& other) { return dominates(other, candidate); }))
        front.entries.push_back(candidate);
    std::stable_sort(front.entries.begin(), front.entries.end(),
                     [](const ParetoEntry& a, const ParetoEntry& b) { return a.cost < b.cost; });
    fronts.push_back(std::move(front));
  }
  return fronts;
}

std::string pareto_csv(const std::vector<std::string>& axis_keys, const std::vector<ParetoFront>& fronts) {
  std::vector<std::string> header = {"cost_column"};
  header.insert(header.end(), axis_keys.begin(), axis_keys.end());
  header.insert(header.end(), {"seeds", "accuracy.final_mean", "cost", "note"});
  std::string csv = csv_line(header);
  for (const auto& front : fronts) {
    for (const auto& entry : front.entries) {
      std::vector<std::string> cells = {front.cost_column};
      for (const auto& key : axis_keys) cells.push_back(entry.values.contains(key) ? value_label(entry.values[key]) : "");
      cells.insert(cells.end(), {std::to_string(entry.seeds), json(entry.accuracy).dump(), json(entry.cost).dump(), front.note});
      csv += csv_line(cells);
    }
  }
  return csv;
}

}  // namespace mx
