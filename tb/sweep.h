#pragma once
// Design-space sweeps: a sweep file names a base config, axes (config keys and their values),
// seeds, fixed overrides and constraints; the points are the cartesian product minus the
// constraints. Loading a sweep validates every value its points are made of (base, overrides,
// axis values, seeds) against the config schema, which checks key by key, so every
// combination is valid too and a bad sweep fails before any point runs; the configs
// themselves are built (through mx::Config again) just before a run starts its points.
// Each point then runs as its own `metaxbar run`
// process (one SystemC elaboration per process) in DIR/points/<id>/, and the table of
// results is rebuilt from those directories, which is what makes a sweep resumable and
// its shards mergeable.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.h"

namespace mx {

struct SweepAxis {
  std::string key;  // a config key, dotted: "tile.rows"
  std::vector<json> values;
};

struct SweepPoint {
  size_t index = 0;  // position in the sweep's point order (after constraints)
  std::string id;    // hash of the axis values and the seed: survives adding axis values
  json values;       // axis key -> value
  uint64_t seed = 0;
};

struct Sweep {
  std::string origin;  // the file name used in error messages
  std::string description;
  std::string base;  // as written in the sweep file (relative to the current directory)
  std::vector<SweepAxis> axes;
  std::vector<uint64_t> seeds;
  json set = json::object();
  json constraints = json::array();
  // Hash of everything that decides the points' configs; merge refuses tables of another sweep.
  std::string fingerprint;
  std::vector<SweepPoint> points;
  // The base with `set` applied: every point's config starts here.
  Config start;

  std::vector<std::string> axis_keys() const;
  // The fully resolved config of a point, built when needed: a sweep of many thousand
  // points would not fit in memory with every config at once. Every value was validated
  // when the sweep was loaded, so this does not fail.
  json point_config(const SweepPoint& point) const;
  // The resolved description written to DIR/sweep.json.
  json manifest() const;
};

// Reads, validates and expands a sweep file. Errors name the file and the JSON path:
// "s.json: axes.adc.bits[2]: 'adc.bits': expected an integer in [0, 16], got 40".
Sweep load_sweep(const std::string& path);
// The same from a document already in memory (object key order = axis order).
Sweep parse_sweep(const nlohmann::ordered_json& document, const std::string& origin);
// A sweep read back from DIR/sweep.json: axes, fingerprint and points (no base config).
Sweep sweep_from_manifest(const json& manifest, const std::string& origin);

// "I/N": the points with index % N == I.
struct Shard {
  size_t index = 0;
  size_t count = 1;
  bool contains(size_t point_index) const { return point_index % count == index; }
  std::string table_stem() const;  // "results" for the whole sweep, else "results-shard-I-of-N"
};
Shard parse_shard(const std::string& text);

// One row of the results table.
struct ResultRow {
  size_t index = 0;
  std::string point;
  json values = json::object();
  uint64_t seed = 0;
  std::string status;  // "ok" | "failed"
  std::string error;   // why it failed; empty when ok
  json metrics = json::object();  // metric column -> number, absent when the summary lacks it
};

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

// Running points in worker processes.
struct SweepProgress {
  size_t total = 0;     // points of this shard
  size_t finished = 0;  // ok or failed, including those reused from an earlier run
  size_t failed = 0;
  size_t reused = 0;
  size_t running = 0;
  double elapsed_s = 0;
  double eta_s = -1;  // unknown until a point has finished in this run
};
struct SweepRunOptions {
  std::string out_dir;
  unsigned jobs = 1;
  Shard shard;
  std::string executable;  // the metaxbar binary a point runs in
  std::function<void(const SweepProgress&)> on_progress;  // after every change, and every second
};
struct SweepRunReport {
  std::vector<ResultRow> rows;  // this shard's points, in point order
  size_t ok = 0, failed = 0, reused = 0;
};
// Runs the shard's points that have no summary.json yet and returns the table of all its
// points. Refuses (before running anything) a point directory holding a finished run of a
// different config.
SweepRunReport run_sweep(const Sweep& sweep, const SweepRunOptions& options);
std::string point_dir(const std::string& out_dir, const SweepPoint& point);

// Combines the shard tables found in `dirs` into one table in point order; throws when the
// directories hold different sweeps or some point has no row (naming them).
struct MergeResult {
  Sweep sweep;  // from the first directory's sweep.json
  std::vector<ResultRow> rows;
  std::vector<std::string> tables;  // the shard tables read
};
MergeResult merge_shards(const std::vector<std::string>& dirs);

// An sbatch array script: one array task per shard, each running this sweep's share.
struct SlurmOptions {
  std::string partition;
  std::string time;
  unsigned cpus_per_task = 0;  // 0 = the cluster's default
  size_t shards = 0;           // 0 = one per point, at most kMaxDefaultShards
};
constexpr size_t kMaxDefaultShards = 64;
size_t slurm_shard_count(const Sweep& sweep, const SlurmOptions& options);
std::string slurm_script(const std::string& executable, const std::string& sweep_path, const std::string& out_dir,
                         const std::string& work_dir, const std::string& job_name, size_t shards,
                         const SlurmOptions& options);

// Quoting for /bin/sh: 'text', with embedded quotes escaped.
std::string shell_quote(const std::string& text);
// A value as a table cell or a --list label: strings bare, everything else as compact JSON.
std::string value_label(const json& value);

}  // namespace mx
