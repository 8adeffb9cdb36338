#pragma once
// Running a sweep's points, each as its own `metaxbar run` process (one SystemC
// elaboration per process) in DIR/points/<id>/, a bounded number at a time.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "tb/sweep_file.h"
#include "tb/sweep_shards.h"
#include "tb/sweep_tables.h"

namespace mx {

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
  bool replace = false;  // take over a folder that holds another sweep (its tables and points go)
  // Keep finished points that another build computed (their build is in the table's
  // `build` column); without it such a point stops the sweep before anything runs.
  bool allow_mixed = false;
};
struct SweepRunReport {
  std::vector<ResultRow> rows;  // this shard's points, in point order
  size_t ok = 0, failed = 0, reused = 0;
};
// Runs the shard's points that have no summary.json yet and returns the table of all its
// points. Refuses (before running anything) a folder another sweep process is running on
// (DIR/.lock, naming its PID), a folder holding another sweep unless options.replace, and
// a point directory holding a finished run of a different config, and one finished by
// another build unless options.allow_mixed.
SweepRunReport run_sweep(const Sweep& sweep, const SweepRunOptions& options);
std::string point_dir(const std::string& out_dir, const SweepPoint& point);

}  // namespace mx
