#include "tb/sweep_slurm.h"

#include <algorithm>
#include <sstream>

#include "common/error.h"

namespace mx {

// ---- Slurm ----

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

size_t slurm_shard_count(const Sweep& sweep, const SlurmOptions& options) {
  if (options.shards == 0) return std::min(sweep.points.size(), kMaxDefaultShards);
  if (options.shards > sweep.points.size())
    throw Error("--shards " + std::to_string(options.shards) + ": the sweep has only " +
                std::to_string(sweep.points.size()) + " points");
  return options.shards;
}

std::string slurm_script(const std::string& executable, const std::string& sweep_path, const std::string& out_dir,
                         const std::string& work_dir, const std::string& job_name, size_t shards,
                         const SlurmOptions& options) {
  // #SBATCH lines are not shell words: a space would cut an option short, '%' is a pattern.
  auto plain_word = [](const std::string& what, const std::string& text) {
    if (text.find_first_of(" \t\n\r%") != std::string::npos)
      throw Error("--slurm: " + what + " '" + text + "' contains whitespace or '%', which an #SBATCH line cannot carry");
  };
  for (const std::string* text : {&executable, &sweep_path, &job_name})
    if (text->find_first_of("\n\r") != std::string::npos) throw Error("--slurm: a line break in '" + *text + "'");
  plain_word("the job name", job_name);
  plain_word("the output directory", out_dir);
  plain_word("the working directory", work_dir);
  plain_word("--partition", options.partition);
  plain_word("--time", options.time);
  const std::string n = std::to_string(shards);
  std::ostringstream script;
  script << "#!/bin/bash\n"
         << "# Written by `metaxbar sweep --slurm`: one array task per shard of " << sweep_path << ".\n"
         << "# When every task has finished: " << shell_quote(executable) << " sweep merge " << shell_quote(out_dir)
         << "\n"
         << "#SBATCH --job-name=" << job_name << "\n"
         << "#SBATCH --array=0-" << shards - 1 << "\n"
         << "#SBATCH --output=" << out_dir << "/slurm/shard-%a-of-" << n << ".out\n"
         << "#SBATCH --chdir=" << work_dir << "\n";
  if (!options.partition.empty()) script << "#SBATCH --partition=" << options.partition << "\n";
  if (!options.time.empty()) script << "#SBATCH --time=" << options.time << "\n";
  if (options.cpus_per_task) script << "#SBATCH --cpus-per-task=" << options.cpus_per_task << "\n";
  script << "exec " << shell_quote(executable) << " sweep " << shell_quote(sweep_path) << " --out "
         << shell_quote(out_dir) << " --shard \"${SLURM_ARRAY_TASK_ID}/" << n << "\" -j \"${SLURM_CPUS_PER_TASK:-1}\""
         << (options.allow_mixed ? " --allow-mixed" : "") << "\n";
  return script.str();
}

}  // namespace mx
