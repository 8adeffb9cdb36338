#pragma once
// The results table of a sweep: one row per point, read back from the point's directory,
// written as CSV and JSON lines.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "tb/sweep_file.h"

namespace mx {

// One row of the results table.
struct ResultRow {
  size_t index = 0;
  std::string point;
  json values = json::object();
  uint64_t seed = 0;
  std::string status;  // "ok" | "failed"
  std::string error;   // why it failed; empty when ok
  json metrics = json::object();  // metric column -> number, absent when the summary lacks it
  std::string build;  // which build computed it ("0.3.0 (commit ...)"); empty when unrecorded
  std::string recosted_from;  // the point whose simulation it was re-priced from; empty when simulated
};

// A summary's "build" {version, commit} as one label: "0.3.0 (commit 0123456789ab)";
// "(no build recorded)" for a summary written before builds were recorded.
std::string build_label(const json& summary);
// This binary's label, in the same form.
std::string this_build_label();

// Summary fields copied into the table; later chip models add the energy/latency/memory ones.
const std::vector<std::string>& metric_columns();

// The row of a point from its directory: summary.json when the run finished, else the
// error its stderr.txt explains (`fallback_error` when stderr says nothing).
ResultRow read_point_row(const SweepPoint& point, const std::string& point_dir, const std::string& fallback_error);

std::string results_csv(const std::vector<std::string>& axis_keys, const std::vector<ResultRow>& rows);
std::string results_jsonl(const std::vector<std::string>& axis_keys, const std::vector<ResultRow>& rows);
std::vector<ResultRow> parse_results_jsonl(const std::string& text, const std::vector<std::string>& axis_keys,
                                           const std::string& origin);
// DIR/<stem>.csv and DIR/<stem>.jsonl, atomically.
void write_results(const std::string& dir, const std::string& stem, const std::vector<std::string>& axis_keys,
                   const std::vector<ResultRow>& rows);

// A value as a table cell or a --list label: strings bare, everything else as compact JSON.
std::string value_label(const json& value);

}  // namespace mx
