#pragma once
#include <cstddef>
#include <string>

#include "tb/sweep_file.h"

namespace mx {

// An sbatch array script: one array task per shard, each running this sweep's share.
struct SlurmOptions {
  std::string partition;
  std::string time;
  unsigned cpus_per_task = 0;  // 0 = the cluster's default
  size_t shards = 0;           // 0 = one per point, at most kMaxDefaultShards
  bool allow_mixed = false;    // every shard keeps points another build computed (--allow-mixed)
};
constexpr size_t kMaxDefaultShards = 64;
size_t slurm_shard_count(const Sweep& sweep, const SlurmOptions& options);
std::string slurm_script(const std::string& executable, const std::string& sweep_path, const std::string& out_dir,
                         const std::string& work_dir, const std::string& job_name, size_t shards,
                         const SlurmOptions& options);

// Quoting for /bin/sh: 'text', with embedded quotes escaped.
std::string shell_quote(const std::string& text);

}  // namespace mx
