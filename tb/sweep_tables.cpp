#include "tb/sweep_tables.h"

#include <sstream>

#include "common/atomic_file.h"
#include "common/build_info.h"
#include "common/error.h"
#include "tb/sweep_util.h"

namespace mx {

using namespace sweep_detail;

const std::vector<std::string>& metric_columns() {
  static const std::vector<std::string> columns = {"accuracy.final_mean",
                                                    "energy_pj.total",
                                                    "energy_pj.update",
                                                    "latency.cycles_per_sample.train",
                                                    "latency.cycles_per_sample.test",
                                                    "memory_bits.consolidation_total",
                                                    "updates.max_writes_per_device",
                                                    "updates.write_pulses",
                                                    "wall_s",
                                                    // The architect's figures, per sample where a
                                                    // run total would follow the sweep's data size.
                                                    "energy_pj.per_sample.train",
                                                    "energy_pj.per_sample.test",
                                                    "static_energy_pj.per_sample_pj",
                                                    "throughput.latency_us.train",
                                                    "throughput.samples_per_s",
                                                    "area_mm2.total",
                                                    "power_mw.total",
                                                    "efficiency.pj_per_synop",
                                                    "efficiency.tops_per_w"};
  return columns;
}

std::string build_label(const json& summary) {
  const json* version = find_path(summary, "build.version");
  const json* commit = find_path(summary, "build.commit");
  if (!version || !commit || !version->is_string() || !commit->is_string()) return "(no build recorded)";
  return version->get<std::string>() + " (commit " + commit->get<std::string>() + ")";
}

std::string this_build_label() { return build_info().version + " (commit " + build_info().commit + ")"; }

std::string value_label(const json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

namespace {

// What a failed run said: its "metaxbar: error:" line, else its first line.
std::string failure_reason(const std::string& stderr_path) {
  bool ok = false;
  std::istringstream text(read_text(stderr_path, &ok));
  const std::string prefix = "metaxbar: error: ";
  std::string line, first;
  while (std::getline(text, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
    if (first.empty()) first = line;
  }
  return first;
}

std::string number_cell(const json& row_metrics, const std::string& column) {
  return row_metrics.contains(column) ? row_metrics[column].dump() : std::string();
}

}  // namespace

ResultRow read_point_row(const SweepPoint& point, const std::string& dir, const std::string& fallback_error) {
  ResultRow row;
  row.index = point.index;
  row.point = point.id;
  row.values = point.values;
  row.seed = point.seed;
  bool present = false;
  const std::string text = read_text(dir + "/summary.json", &present);
  const json summary = present ? json::parse(text, nullptr, false) : json();
  if (present && summary.is_object()) {
    row.status = "ok";
    row.build = build_label(summary);
    if (summary.contains("recosted_from") && summary["recosted_from"].is_string())
      row.recosted_from = summary["recosted_from"].get<std::string>();
    for (const auto& column : metric_columns())
      if (const json* value = find_path(summary, column); value && value->is_number()) row.metrics[column] = *value;
    return row;
  }
  row.status = "failed";
  row.error = present ? "summary.json is not valid JSON" : failure_reason(dir + "/stderr.txt");
  if (row.error.empty()) row.error = fallback_error.empty() ? "no summary.json" : fallback_error;
  return row;
}

std::string results_csv(const std::vector<std::string>& axis_keys, const std::vector<ResultRow>& rows) {
  std::vector<std::string> header = {"point", "index"};
  header.insert(header.end(), axis_keys.begin(), axis_keys.end());
  header.insert(header.end(), {"seed", "status", "error"});
  header.insert(header.end(), metric_columns().begin(), metric_columns().end());
  header.insert(header.end(), {"build", "recosted_from"});
  std::string csv = csv_line(header);
  for (const auto& row : rows) {
    std::vector<std::string> cells = {row.point, std::to_string(row.index)};
    for (const auto& key : axis_keys) cells.push_back(row.values.contains(key) ? value_label(row.values[key]) : "");
    cells.insert(cells.end(), {std::to_string(row.seed), row.status, row.error});
    for (const auto& column : metric_columns()) cells.push_back(number_cell(row.metrics, column));
    cells.insert(cells.end(), {row.build, row.recosted_from});
    csv += csv_line(cells);
  }
  return csv;
}

std::string results_jsonl(const std::vector<std::string>& axis_keys, const std::vector<ResultRow>& rows) {
  std::string text;
  for (const auto& row : rows) {
    ojson line = ojson::object();
    line["point"] = row.point;
    line["index"] = row.index;
    for (const auto& key : axis_keys) line[key] = row.values.contains(key) ? ojson::parse(row.values[key].dump()) : ojson();
    line["seed"] = row.seed;
    line["status"] = row.status;
    line["error"] = row.error.empty() ? ojson() : ojson(row.error);
    for (const auto& column : metric_columns())
      line[column] = row.metrics.contains(column) ? ojson::parse(row.metrics[column].dump()) : ojson();
    line["build"] = row.build.empty() ? ojson() : ojson(row.build);
    line["recosted_from"] = row.recosted_from.empty() ? ojson() : ojson(row.recosted_from);
    text += line.dump() + "\n";
  }
  return text;
}

std::vector<ResultRow> parse_results_jsonl(const std::string& text, const std::vector<std::string>& axis_keys,
                                           const std::string& origin) {
  std::vector<ResultRow> rows;
  std::istringstream lines(text);
  std::string line;
  for (size_t number = 1; std::getline(lines, line); ++number) {
    if (line.empty()) continue;
    const std::string where = origin + ":" + std::to_string(number);
    const json item = json::parse(line, nullptr, false);
    if (!item.is_object()) throw Error(where + ": not a JSON object");
    try {
      ResultRow row;
      row.point = item.at("point").get<std::string>();
      row.index = item.at("index").get<size_t>();
      row.seed = item.at("seed").get<uint64_t>();
      row.status = item.at("status").get<std::string>();
      if (row.status != "ok" && row.status != "failed") throw Error(where + ": status " + item["status"].dump());
      if (item.at("error").is_string()) row.error = item["error"].get<std::string>();
      for (const auto& key : axis_keys) row.values[key] = item.at(key);
      for (const auto& column : metric_columns())
        if (item.contains(column) && item[column].is_number()) row.metrics[column] = item[column];
      if (item.contains("build") && item["build"].is_string()) row.build = item["build"].get<std::string>();
      if (item.contains("recosted_from") && item["recosted_from"].is_string())
        row.recosted_from = item["recosted_from"].get<std::string>();
      rows.push_back(std::move(row));
    } catch (const json::exception& e) {
      throw Error(where + ": not a results row: " + e.what());
    }
  }
  return rows;
}

void write_results(const std::string& dir, const std::string& stem, const std::vector<std::string>& axis_keys,
                   const std::vector<ResultRow>& rows) {
  write_file_atomically(dir + "/" + stem + ".csv", results_csv(axis_keys, rows));
  write_file_atomically(dir + "/" + stem + ".jsonl", results_jsonl(axis_keys, rows));
}

}  // namespace mx
