#include "tb/sweep_pool.h"

#include <fcntl.h>
#include <sys/file.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>

#include "common/atomic_file.h"
#include "common/error.h"
#include "chip/chip_costs.h"
#include "tb/recost_command.h"
#include "tb/sweep_util.h"

namespace mx {

namespace fs = std::filesystem;
using namespace sweep_detail;

std::string point_dir(const std::string& out_dir, const SweepPoint& point) { return out_dir + "/points/" + point.id; }

namespace {

// The first key (dotted) whose value differs between two configs; keys only one side has
// are skipped, so a newer build that adds keys can still resume an older sweep.
std::string first_difference(const json& a, const json& b, const std::string& prefix) {
  if (a.is_object() && b.is_object()) {
    for (auto it = a.begin(); it != a.end(); ++it) {
      if (!b.contains(it.key())) continue;
      const std::string found = first_difference(it.value(), b[it.key()], prefix.empty() ? it.key() : prefix + "." + it.key());
      if (!found.empty()) return found;
    }
    return "";
  }
  return a == b ? "" : (prefix.empty() ? "(the whole config)" : prefix);
}

// SIGCHLD is blocked while points run, so a child's exit wakes sigtimedwait instead of
// being lost between checking and waiting.
class ChildSignalBlock {
 public:
  ChildSignalBlock() {
    sigset_t child;
    sigemptyset(&child);
    sigaddset(&child, SIGCHLD);
    sigprocmask(SIG_BLOCK, &child, &saved_);
  }
  ~ChildSignalBlock() { sigprocmask(SIG_SETMASK, &saved_, nullptr); }
  void wait(double seconds) {
    sigset_t child;
    sigemptyset(&child);
    sigaddset(&child, SIGCHLD);
    timespec timeout{static_cast<time_t>(seconds), static_cast<long>((seconds - std::floor(seconds)) * 1e9)};
    sigtimedwait(&child, nullptr, &timeout);
  }

 private:
  sigset_t saved_;
};

// `metaxbar run DIR/config.json --out DIR`, stdout and stderr into DIR.
pid_t start_point(const std::string& executable, const std::string& dir) {
  const std::string config = dir + "/config.json", out = dir + "/stdout.txt", err = dir + "/stderr.txt";
  const std::string exec_failed = "metaxbar: error: cannot execute '" + executable + "'\n";
  std::vector<std::string> args = {executable, "run", config, "--out", dir};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw Error(std::string("cannot start a point: fork: ") + std::strerror(errno));
  if (pid == 0) {
    // Only async-signal-safe calls here. A point dies with its sweep: a killed sweep that
    // is restarted must not race its own orphans for the same point directory.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    const int in_fd = ::open("/dev/null", O_RDONLY);
    const int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in_fd < 0 || out_fd < 0 || err_fd < 0) ::_exit(126);
    ::dup2(in_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    ::execv(executable.c_str(), argv.data());
    ssize_t ignored = ::write(2, exec_failed.data(), exec_failed.size());
    (void)ignored;
    ::_exit(127);
  }
  return pid;
}

std::string exit_description(int status) {
  if (WIFSIGNALED(status)) return std::string("killed by signal ") + std::to_string(WTERMSIG(status)) + " (" +
                                  strsignal(WTERMSIG(status)) + ")";
  return "exited with status " + std::to_string(WEXITSTATUS(status)) + " without writing summary.json";
}

json read_summary(const std::string& dir) {
  bool present = false;
  const std::string text = read_text(dir + "/summary.json", &present);
  return present ? json::parse(text, nullptr, false) : json();
}

bool has_summary(const std::string& dir) { return read_summary(dir).is_object(); }

// Writes config.json of each point to run; refuses a directory whose finished run was made
// from another config (the sweep file changed its base or overrides since). A refusal
// stops the sweep before any point runs.
std::vector<size_t> prepare_points(const Sweep& sweep, const SweepRunOptions& options, size_t* reused) {
  std::vector<size_t> pending;
  for (const auto& point : sweep.points) {
    if (!options.shard.contains(point.index)) continue;
    const std::string dir = point_dir(options.out_dir, point);
    const json config = sweep.point_config(point);
    if (const json summary = read_summary(dir); summary.is_object()) {
      // A number another build computed is not comparable without saying so: the model
      // may have changed between the builds.
      const std::string theirs = build_label(summary), ours = this_build_label();
      if (theirs != ours && !options.allow_mixed)
        throw Error(dir + ": finished by metaxbar " + theirs + ", this is metaxbar " + ours +
                    "; delete that point's folder to recompute it, or --allow-mixed to keep it");
      bool present = false;
      const std::string text = read_text(dir + "/config.json", &present);
      const json recorded = present ? json::parse(text, nullptr, false) : json();
      const std::string differs = recorded.is_object() ? first_difference(recorded, config, "") : "";
      if (!differs.empty()) {
        auto shown = [&](const json& document) {
          const json* value = find_path(document, differs);
          return value ? value->dump() : std::string("absent");
        };
        throw Error(dir + ": holds a finished run of a different config ('" + differs + "' is " + shown(recorded) +
                    " there, " + shown(config) + " in " + sweep.origin + "); use another --out or delete that directory");
      }
      ++*reused;
      continue;
    }
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw Error("cannot create directory '" + dir + "': " + ec.message());
    write_file_atomically(dir + "/config.json", config.dump(2) + "\n");
    pending.push_back(point.index);
  }
  return pending;
}

// The lock of a sweep folder: an flock, so a killed sweep releases it with its last file
// descriptor. The whole sweep holds DIR/.lock exclusively; a shard holds it shared (the
// shards of one sweep run side by side on a cluster) and its own .lock-<stem> exclusively.
class SweepLock {
 public:
  SweepLock(const std::string& dir, const Shard& shard) {
    whole_ = acquire(dir + "/.lock", shard.count == 1 ? LOCK_EX : LOCK_SH, dir);
    if (shard.count > 1) part_ = acquire(dir + "/.lock-" + shard.table_stem(), LOCK_EX, dir);
    const int mine = part_ >= 0 ? part_ : whole_;
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(mine, 0) != 0 || ::pwrite(mine, pid.data(), pid.size(), 0) < 0) {
      // The PID is for the message of a refused second sweep; the lock holds without it.
    }
  }
  SweepLock(const SweepLock&) = delete;
  SweepLock& operator=(const SweepLock&) = delete;
  ~SweepLock() {
    if (part_ >= 0) ::close(part_);
    if (whole_ >= 0) ::close(whole_);
  }

 private:
  static int acquire(const std::string& path, int mode, const std::string& dir) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw Error(path + ": cannot open the sweep lock: " + std::strerror(errno));
    if (::flock(fd, mode | LOCK_NB) == 0) return fd;
    char text[32] = {0};
    const ssize_t got = ::pread(fd, text, sizeof text - 1, 0);
    ::close(fd);
    std::string holder = got > 0 ? std::string(text, static_cast<size_t>(got)) : std::string();
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    throw Error(dir + ": another sweep is running on this folder (" +
                (holder.empty() ? std::string("a shard run") : "pid " + holder) + ", lock " + path +
                "); wait for it or use another --out");
  }
  int whole_ = -1;
  int part_ = -1;
};

// A folder holding another sweep (another base, set or axis keys) is not ours to fill:
// its tables would be replaced by ours without a word. --replace clears it first.
void claim_folder(const Sweep& sweep, const SweepRunOptions& options) {
  const std::string manifest_path = options.out_dir + "/sweep.json";
  bool present = false;
  const std::string text = read_text(manifest_path, &present);
  if (!present) return;
  const json manifest = json::parse(text, nullptr, false);
  const bool same = manifest.is_object() && manifest.value("lineage", std::string()) == sweep.lineage;
  if (same) return;
  const std::string other = manifest.is_object() ? manifest.value("origin", std::string("?")) : "an unreadable sweep.json";
  if (!options.replace)
    throw Error(options.out_dir + ": holds another sweep (" + other + ", lineage " +
                (manifest.is_object() ? manifest.value("lineage", std::string("none")) : std::string("none")) +
                "; " + sweep.origin + " is " + sweep.lineage + "); use another --out, or --replace to delete its results");
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(options.out_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name == "sweep.json" || name.rfind("results", 0) == 0 || name.rfind("pareto", 0) == 0) fs::remove(entry.path(), ec);
  }
  std::set<std::string> keep;
  for (const auto& point : sweep.points) keep.insert(point.id);
  for (const auto& entry : fs::directory_iterator(options.out_dir + "/points", ec))
    if (!keep.count(entry.path().filename().string())) fs::remove_all(entry.path(), ec);
}

// What decides a timed point's events and times: its config without the tech table, and the
// tech table without its prices (energy, area, leakage and their bounds). Two points with the
// same key differ only in prices, so one simulation prices both exactly. Functional points
// record no events: "" (never recosted).
std::string simulation_key(const Config& config) {
  if (config.get_string("mode") != "timed") return "";
  json behaviour = config.resolved();
  behaviour.erase("tech");
  json tech = load_tech(config).to_json();
  for (auto it = tech.begin(); it != tech.end(); ++it) {
    json& entry = it.value();
    if (!entry.is_object()) continue;
    for (auto field = entry.begin(); field != entry.end();) {
      const std::string key = field.key();
      const bool price = key.rfind("energy_pj", 0) == 0 || key.rfind("area_um2", 0) == 0 ||
                         key.rfind("leakage_uw", 0) == 0 || key == "source" || key == "spread";
      field = price ? entry.erase(field) : std::next(field);
    }
  }
  return canonical(json{{"config", behaviour}, {"tech", tech}}).dump();
}

}  // namespace

SweepRunReport run_sweep(const Sweep& sweep, const SweepRunOptions& options) {
  if (options.jobs == 0) throw Error("-j: expected at least 1 worker");
  if (options.executable.empty()) throw Error("internal: run_sweep without an executable");
  std::error_code ec;
  fs::create_directories(options.out_dir + "/points", ec);
  if (ec) throw Error("cannot create directory '" + options.out_dir + "/points': " + ec.message());
  const SweepLock lock(options.out_dir, options.shard);
  claim_folder(sweep, options);

  SweepProgress progress;
  for (const auto& point : sweep.points) progress.total += options.shard.contains(point.index);
  std::vector<size_t> pending = prepare_points(sweep, options, &progress.reused);
  // A point that differs from an earlier one only in tech prices is re-priced from that
  // point's simulation instead of simulated again.
  std::map<size_t, size_t> twin_of;  // point index -> the index of the point it is recosted from
  {
    std::map<std::string, size_t> first;
    for (const auto& point : sweep.points) {
      if (!options.shard.contains(point.index)) continue;
      const std::string key = simulation_key(sweep.point_settings(point));
      if (key.empty()) continue;
      const auto [at, inserted] = first.emplace(key, point.index);
      if (!inserted) twin_of[point.index] = at->second;
    }
    std::vector<size_t> simulated;
    for (const size_t index : pending)
      if (!twin_of.count(index)) simulated.push_back(index);
    for (auto it = twin_of.begin(); it != twin_of.end();)
      it = std::find(pending.begin(), pending.end(), it->first) == pending.end() ? twin_of.erase(it) : std::next(it);
    pending = simulated;
  }
  write_file_atomically(options.out_dir + "/sweep.json", sweep.manifest().dump(2) + "\n");
  progress.finished = progress.reused;

  const auto start = std::chrono::steady_clock::now();
  std::map<size_t, std::string> failures;  // point index -> how its process ended
  std::map<pid_t, size_t> running;         // pid -> point index
  size_t next = 0, finished_here = 0;
  auto report = [&] {
    if (!options.on_progress) return;
    progress.running = running.size();
    progress.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const size_t left = pending.size() - finished_here;
    progress.eta_s = finished_here ? progress.elapsed_s / static_cast<double>(finished_here) * static_cast<double>(left) : -1;
    options.on_progress(progress);
  };

  ChildSignalBlock block;
  report();
  while (next < pending.size() || !running.empty()) {
    while (running.size() < options.jobs && next < pending.size()) {
      const size_t index = pending[next++];
      running.emplace(start_point(options.executable, point_dir(options.out_dir, sweep.points[index])), index);
    }
    report();
    bool reaped = false;
    for (auto it = running.begin(); it != running.end();) {
      int status = 0;
      const pid_t done = ::waitpid(it->first, &status, WNOHANG);
      if (done == 0 || (done < 0 && errno == EINTR)) {
        ++it;
        continue;
      }
      const std::string dir = point_dir(options.out_dir, sweep.points[it->second]);
      const bool ok = done > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 && has_summary(dir);
      if (!ok) {
        failures[it->second] = done > 0 ? exit_description(status) : std::string("lost track of its process");
        ++progress.failed;
      }
      ++progress.finished;
      ++finished_here;
      reaped = true;
      it = running.erase(it);
    }
    if (!reaped && !running.empty()) block.wait(1.0);
  }
  report();

  for (const auto& [index, twin] : twin_of) {
    const std::string dir = point_dir(options.out_dir, sweep.points[index]);
    const std::string twin_dir = point_dir(options.out_dir, sweep.points[twin]);
    try {
      const json simulated = read_summary(twin_dir);
      if (!simulated.is_object())
        throw Error("not recosted: point " + sweep.points[twin].id + ", whose simulation it is priced from, failed");
      const json summary = recosted_summary(simulated, sweep.point_config(sweep.points[index]), sweep.points[twin].id,
                                            dir + "/config.json");
      write_file_atomically(dir + "/summary.json", summary.dump(2) + "\n");
    } catch (const Error& e) {
      failures[index] = e.what();
      write_file_atomically(dir + "/stderr.txt", std::string("metaxbar: error: ") + e.what() + "\n");
      ++progress.failed;
    }
    ++progress.finished;
  }
  report();

  SweepRunReport result;
  result.reused = progress.reused;
  for (const auto& point : sweep.points) {
    if (!options.shard.contains(point.index)) continue;
    const auto failure = failures.find(point.index);
    result.rows.push_back(read_point_row(point, point_dir(options.out_dir, point),
                                         failure == failures.end() ? std::string() : failure->second));
    (result.rows.back().status == "ok" ? result.ok : result.failed) += 1;
  }
  return result;
}

}  // namespace mx
