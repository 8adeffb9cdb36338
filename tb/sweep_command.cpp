// `metaxbar sweep`: the command-line face of tb/sweep.h — options, progress on a terminal,
// the Pareto figure, and Slurm submission.
#include "tb/sweep_command.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <thread>

#include <boost/program_options.hpp>

#include "common/atomic_file.h"
#include "common/error.h"
#include "tb/sweep.h"
#include "tb/sweep_check.h"
#include "tb/tool_paths.h"

namespace mx {
namespace {

namespace fs = std::filesystem;
namespace po = boost::program_options;

const char* kSweepUsage =
    "usage: metaxbar sweep SWEEP.json [--out DIR] [-j N] [--shard I/N] [--replace] [--allow-mixed] [--list]\n"
    "       metaxbar sweep SWEEP.json [--out DIR] --slurm [--partition P] [--time T] [--cpus-per-task C]\n"
    "                                 [--shards N] [--no-submit]\n"
    "       metaxbar sweep merge DIR...\n";

std::string self_executable() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw Error("sweep: cannot find the metaxbar executable (/proc/self/exe): " + ec.message());
  return self.string();
}

std::string duration_text(double seconds) {
  if (seconds < 0) return "?";
  const long s = std::lround(seconds);
  char text[32];
  if (s >= 3600) std::snprintf(text, sizeof text, "%ldh%02ldm", s / 3600, s / 60 % 60);
  else if (s >= 60) std::snprintf(text, sizeof text, "%ldm%02lds", s / 60, s % 60);
  else std::snprintf(text, sizeof text, "%lds", s);
  return text;
}

void print_progress(const SweepProgress& p) {
  std::fprintf(stderr, "\rsweep: %zu/%zu points  %zu failed  %zu running  elapsed %s  ETA %s   ", p.finished,
               p.total, p.failed, p.running, duration_text(p.elapsed_s).c_str(), duration_text(p.eta_s).c_str());
  std::fflush(stderr);
}

// Runs a /bin/sh command, collecting its output; returns its exit code (-1 when it did not
// exit normally, 127 when the shell could not find the program).
int run_shell(const std::string& command, std::string* output) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return -1;
  char buffer[512];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output->append(buffer, n);
  const int status = ::pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The figure is a convenience: without python3 or matplotlib (exit 3) it is skipped quietly.
// The first python3 on PATH may be a private one (pyenv, a venv) without matplotlib, so
// Debian's is tried too.
void draw_pareto_figure(const std::string& dir) {
  std::string why;  // the tools beside the binary (tb/tool_paths.h), installed or in a build tree
  if (const std::optional<fs::path> script = find_tool("plot_pareto.py", &why); !script) {
    std::fprintf(stderr, "sweep: pareto figure not drawn: %s\n", why.c_str());
  } else {
    const std::string command =
        "for py in python3 /usr/bin/python3; do "
        "if command -v \"$py\" >/dev/null 2>&1 && \"$py\" -c 'import matplotlib' >/dev/null 2>&1; then exec \"$py\" " +
        shell_quote(script->lexically_normal().string()) + " " + shell_quote(dir) + " 2>&1; fi; done; exit 3";
    std::string output;
    const int code = run_shell(command, &output);
    if (code != 0 && code != 3)
      std::fprintf(stderr, "sweep: pareto figure not drawn: %s\n", output.substr(0, output.find('\n')).c_str());
  }
}

void write_pareto(const std::string& dir, const Sweep& sweep, const std::vector<ResultRow>& rows) {
  const std::vector<ParetoFront> fronts = pareto_fronts(rows);
  write_file_atomically(dir + "/pareto.csv", pareto_csv(sweep.axis_keys(), fronts));
  for (const auto& front : fronts)
    if (!front.note.empty()) std::printf("pareto: %s\n", front.note.c_str());
  draw_pareto_figure(dir);
}

// The closing lines; the last one says whether anything failed, and so does the exit code.
int conclude(const std::string& what, const std::vector<ResultRow>& rows, size_t reused, const std::string& table) {
  size_t failed = 0;
  const ResultRow* first_failure = nullptr;
  for (const auto& row : rows)
    if (row.status != "ok" && !failed++) first_failure = &row;
  std::printf("%s: %zu points: %zu ok, %zu failed", what.c_str(), rows.size(), rows.size() - failed, failed);
  if (reused) std::printf(" (%zu finished in an earlier run)", reused);
  std::printf("; wrote %s\n", table.c_str());
  std::map<std::string, size_t> builds;
  size_t recosted = 0;
  for (const auto& row : rows)
    if (row.status == "ok") {
      ++builds[row.build];
      recosted += !row.recosted_from.empty();
    }
  if (recosted)
    std::printf("%s: %zu of these points re-priced from the simulation of a point that differs only in tech prices "
                "(the table's recosted_from column)\n", what.c_str(), recosted);
  if (builds.size() > 1) {
    std::printf("%s: points from %zu builds (the table's build column):", what.c_str(), builds.size());
    for (const auto& [build, count] : builds) std::printf(" %zu by %s;", count, build.c_str());
    std::printf("\n");
  }
  if (!failed) return 0;
  std::printf("%s: FAILED: %zu of %zu points failed; first: %s (seed %llu): %s\n", what.c_str(), failed, rows.size(),
              first_failure->point.c_str(), static_cast<unsigned long long>(first_failure->seed),
              first_failure->error.c_str());
  return 1;
}

int merge_command(const std::vector<std::string>& dirs) {
  if (dirs.empty() || dirs[0].rfind("-", 0) == 0) throw Error(std::string("sweep merge: expected DIR...\n") + kSweepUsage);
  const MergeResult merged = merge_shards(dirs);
  write_results(dirs[0], "results", merged.sweep.axis_keys(), merged.rows);
  write_pareto(dirs[0], merged.sweep, merged.rows);
  std::printf("merge: %zu tables from %zu directories\n", merged.tables.size(), dirs.size());
  return conclude("merge", merged.rows, 0, dirs[0] + "/results.csv");
}

void list_points(const Sweep& sweep, const Shard& shard) {
  size_t listed = 0;
  for (const auto& point : sweep.points) {
    if (!shard.contains(point.index)) continue;
    std::printf("%5zu  %s  seed=%llu", point.index, point.id.c_str(), static_cast<unsigned long long>(point.seed));
    for (const auto& key : sweep.axis_keys()) std::printf("  %s=%s", key.c_str(), value_label(point.values[key]).c_str());
    std::printf("\n");
    ++listed;
  }
  std::printf("%zu of %zu points\n", listed, sweep.points.size());
}

int submit_to_slurm(const Sweep& sweep, const std::string& sweep_path, const std::string& out_dir,
                    const SlurmOptions& options, bool submit) {
  const std::string executable = self_executable();
  const std::string out = fs::absolute(out_dir).lexically_normal().string();
  const std::string sweep_abs = fs::absolute(sweep_path).lexically_normal().string();
  const size_t shards = slurm_shard_count(sweep, options);
  std::error_code ec;
  fs::create_directories(out + "/slurm", ec);  // sbatch does not create the --output folder
  if (ec) throw Error("cannot create directory '" + out + "/slurm': " + ec.message());
  write_file_atomically(out + "/sweep.json", sweep.manifest().dump(2) + "\n");
  std::string job_name = "mx-" + fs::path(sweep_path).stem().string();
  for (char& c : job_name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '_';
  const std::string script_path = out + "/sweep.sbatch";
  write_file_atomically(script_path, slurm_script(executable, sweep_abs, out, fs::current_path().string(), job_name,
                                                  shards, options));
  const std::string merge = shell_quote(executable) + " sweep merge " + shell_quote(out);
  if (!submit) {
    std::printf("wrote %s: %zu array tasks over %zu points\nsubmit it: sbatch %s\nwhen it has finished: %s\n",
                script_path.c_str(), shards, sweep.points.size(), shell_quote(script_path).c_str(), merge.c_str());
    return 0;
  }
  std::string output;
  const int code = run_shell("sbatch --parsable " + shell_quote(script_path) + " 2>&1", &output);
  const std::string first_line = output.substr(0, output.find('\n'));
  if (code == 127)
    throw Error("sweep: sbatch not found (not a Slurm submit host?); --no-submit writes " + script_path + " only");
  if (code != 0) throw Error("sweep: sbatch " + script_path + " failed: " + first_line);
  // --parsable prints "jobid" or "jobid;cluster".
  const std::string job = first_line.substr(0, first_line.find(';'));
  std::printf("submitted Slurm job %s: %zu array tasks over %zu points (script %s)\nfollow it: squeue -j %s\n"
              "when it has finished: %s\n",
              job.c_str(), shards, sweep.points.size(), script_path.c_str(), job.c_str(), merge.c_str());
  return 0;
}

// Boost reads "-1" into an unsigned as 4294967295: -j is read signed and checked here.
constexpr long long kMaxJobs = 1024;
unsigned checked_jobs(long long jobs) {
  if (jobs < 1 || jobs > kMaxJobs)
    throw Error("-j " + std::to_string(jobs) + ": expected a number of workers in [1, " + std::to_string(kMaxJobs) + "]");
  return static_cast<unsigned>(jobs);
}

unsigned default_jobs() {
  const unsigned cpus = std::thread::hardware_concurrency();
  return cpus ? cpus : 1;
}

}  // namespace

int sweep_command(const std::vector<std::string>& args) {
  if (!args.empty() && args[0] == "merge") return merge_command({args.begin() + 1, args.end()});
  po::options_description options("sweep options");
  options.add_options()("help,h", "this help")("sweep", po::value<std::string>(), "sweep file")(
      "out", po::value<std::string>(), "output directory (default traces/sweep-<name>)")(
      "jobs,j", po::value<long long>(), "worker processes (default: the number of CPUs)")(
      "replace", "take over a folder that holds another sweep (deletes its tables and points)")(
      "allow-mixed", "keep finished points that another metaxbar build computed (recorded in the build column)")(
      "shard", po::value<std::string>(), "run the points with index % N == I")(
      "list", "print the points and exit")("slurm", "write an sbatch array script and submit it")(
      "partition", po::value<std::string>(), "Slurm partition")("time", po::value<std::string>(), "Slurm time limit")(
      "cpus-per-task", po::value<unsigned>(), "Slurm CPUs per array task (its -j)")(
      "shards", po::value<size_t>(), "Slurm array tasks (default: one per point, at most 64)")(
      "no-submit", "with --slurm: write the script, do not submit it");
  po::positional_options_description positional;
  positional.add("sweep", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << kSweepUsage << options;
    return 0;
  }
  if (!vm.count("sweep")) throw Error(std::string("sweep: missing SWEEP.json\n") + kSweepUsage);
  const bool slurm = vm.count("slurm") > 0;
  for (const char* slurm_only : {"partition", "time", "cpus-per-task", "shards", "no-submit"})
    if (vm.count(slurm_only) && !slurm) throw Error(std::string("sweep: --") + slurm_only + " needs --slurm");
  if (slurm && (vm.count("shard") || vm.count("jobs")))
    throw Error("sweep: --slurm chooses the shards and workers itself (--shards, --cpus-per-task)");

  const unsigned jobs = vm.count("jobs") ? checked_jobs(vm["jobs"].as<long long>()) : default_jobs();
  const std::string sweep_path = vm["sweep"].as<std::string>();
  const Shard shard = vm.count("shard") ? parse_shard(vm["shard"].as<std::string>()) : Shard{};
  const Sweep sweep = load_sweep(sweep_path);  // validates every point before anything runs
  if (vm.count("list")) {
    list_points(sweep, shard);
    return 0;
  }
  check_sweep_points(sweep);  // before a folder is touched: a refused sweep leaves earlier results as they were
  const std::string out_dir =
      vm.count("out") ? vm["out"].as<std::string>() : "traces/sweep-" + fs::path(sweep_path).stem().string();
  if (slurm) {
    SlurmOptions slurm_options;
    if (vm.count("partition")) slurm_options.partition = vm["partition"].as<std::string>();
    if (vm.count("time")) slurm_options.time = vm["time"].as<std::string>();
    if (vm.count("cpus-per-task")) slurm_options.cpus_per_task = vm["cpus-per-task"].as<unsigned>();
    if (vm.count("shards")) slurm_options.shards = vm["shards"].as<size_t>();
    if (vm.count("shards") && slurm_options.shards == 0) throw Error("--shards: expected at least 1");
    // Each array task would replace the folder under the others; the old sweep goes first.
    if (vm.count("replace"))
      throw Error("--replace: not with --slurm (every shard would replace the folder); replace or remove " + out_dir +
                  " with a local run first");
    slurm_options.allow_mixed = vm.count("allow-mixed") > 0;
    return submit_to_slurm(sweep, sweep_path, out_dir, slurm_options, !vm.count("no-submit"));
  }

  SweepRunOptions run;
  run.out_dir = out_dir;
  run.jobs = jobs;
  run.replace = vm.count("replace") > 0;
  run.allow_mixed = vm.count("allow-mixed") > 0;
  run.shard = shard;
  run.executable = self_executable();
  const bool interactive = ::isatty(STDERR_FILENO);
  if (interactive) run.on_progress = print_progress;
  const SweepRunReport report = run_sweep(sweep, run);
  if (interactive) std::fprintf(stderr, "\n");
  write_results(out_dir, shard.table_stem(), sweep.axis_keys(), report.rows);
  // A shard's front would be a front of a part; merge draws the whole one.
  if (shard.count == 1) write_pareto(out_dir, sweep, report.rows);
  return conclude("sweep", report.rows, report.reused, out_dir + "/" + shard.table_stem() + ".csv");
}

}  // namespace mx
