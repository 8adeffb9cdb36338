#include "tb/run_output.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/error.h"

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

namespace mx {
namespace {

namespace fs = std::filesystem;

// "<prefix><pid>" of a process that has exited: its leftovers are ours to remove.
bool dead_owner(const std::string& name, const std::string& prefix) {
  if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) return false;
  const std::string digits = name.substr(prefix.size());
  if (digits.size() > 9 || !std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); }))
    return false;
  const pid_t pid = static_cast<pid_t>(std::stol(digits));
  return pid != ::getpid() && ::kill(pid, 0) != 0 && errno == ESRCH;
}

// Swaps two paths atomically (Linux renameat2); false when the file system cannot.
bool exchange(const std::string& a, const std::string& b) {
  return ::syscall(SYS_renameat2, AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE) == 0;
}

std::string strip_slashes(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

}  // namespace

const std::vector<std::string>& run_output_files() {
  // recost/ is derived from a summary (metaxbar recost), so it is as stale as the summary.
  static const std::vector<std::string> names = {"summary.json", "timeline.json", "energy.csv", "signals.vcd", "recost"};
  return names;
}

void check_output_folder(const std::string& out_dir) {
  if (out_dir.empty()) throw Error("--out '': expected a folder name");
  const std::string dir = strip_slashes(out_dir);
  std::error_code ec;
  if (dir == "/" || fs::weakly_canonical(dir, ec) == fs::path("/"))
    throw Error("--out '" + out_dir + "': refusing to write a run into the root folder");
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw Error("--out '" + out_dir + "': exists and is not a folder");
  fs::path parent = fs::path(dir).parent_path();
  if (parent.empty()) parent = ".";
  // The nearest existing ancestor decides whether the folder (and the staging folder beside
  // it) can be made.
  fs::path probe = parent;
  while (!fs::exists(probe, ec) && probe.has_parent_path() && probe != probe.parent_path()) probe = probe.parent_path();
  if (fs::exists(probe, ec) && !fs::is_directory(probe, ec))
    throw Error("--out '" + out_dir + "': '" + probe.string() + "' is not a folder");
  if (fs::exists(probe, ec) && ::access(probe.c_str(), W_OK | X_OK) != 0)
    throw Error("--out '" + out_dir + "': cannot write in '" + probe.string() + "': " + std::strerror(errno));
}

void remove_stale_temporaries(const std::string& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const size_t tmp = name.rfind(".tmp.");
    if (tmp != std::string::npos && dead_owner(name.substr(tmp), ".tmp.")) fs::remove_all(entry.path(), ec);
  }
}

OutputFolder::OutputFolder(const std::string& out_dir) : final_(strip_slashes(out_dir)) {
  check_output_folder(out_dir);
  std::error_code ec;
  const fs::path target(final_);
  fs::path parent = target.parent_path();
  if (parent.empty()) parent = ".";
  fs::create_directories(parent, ec);
  if (ec) throw Error("--out '" + out_dir + "': cannot create '" + parent.string() + "': " + ec.message());
  const std::string base = target.filename().string();
  for (const auto& entry : fs::directory_iterator(parent, ec)) {
    const std::string name = entry.path().filename().string();
    if (dead_owner(name, base + ".tmp.") || dead_owner(name, base + ".old.")) fs::remove_all(entry.path(), ec);
  }
  if (fs::is_directory(target, ec)) remove_stale_temporaries(final_);
  staging_ = final_ + ".tmp." + std::to_string(::getpid());
  fs::remove_all(staging_, ec);
  if (!fs::create_directory(staging_, ec) || ec)
    throw Error("--out '" + out_dir + "': cannot create '" + staging_ + "': " + (ec ? ec.message() : "exists"));
}

OutputFolder::~OutputFolder() {
  if (committed_) return;
  std::error_code ec;
  fs::remove_all(staging_, ec);
}

void OutputFolder::commit() {
  std::error_code ec;
  if (!fs::is_directory(final_, ec)) {
    if (::rename(staging_.c_str(), final_.c_str()) != 0)
      throw Error("--out '" + final_ + "': cannot rename '" + staging_ + "' into place: " + std::strerror(errno));
    committed_ = true;
    return;
  }
  // Carry what is not a run output (inputs and logs of whoever made the folder). A hard link
  // keeps an open log (a sweep point's stderr.txt) the same file.
  const auto& outputs = run_output_files();
  for (const auto& entry : fs::directory_iterator(final_, ec)) {
    const std::string name = entry.path().filename().string();
    if (std::find(outputs.begin(), outputs.end(), name) != outputs.end() || name.find(".tmp.") != std::string::npos)
      continue;
    const fs::path to = fs::path(staging_) / name;
    if (fs::exists(to, ec)) continue;
    std::error_code link_error;
    if (entry.is_regular_file(ec)) fs::create_hard_link(entry.path(), to, link_error);
    if (!entry.is_regular_file(ec) || link_error)
      fs::copy(entry.path(), to, fs::copy_options::recursive | fs::copy_options::copy_symlinks, link_error);
    if (link_error)
      throw Error("--out '" + final_ + "': cannot carry '" + name + "' into the new run: " + link_error.message());
  }
  if (exchange(staging_, final_)) {
    committed_ = true;
    fs::remove_all(staging_, ec);  // now the old folder
    return;
  }
  // No renameat2: park the old folder, move the new one in; a kill in between leaves the
  // old set at <out>.old.<pid>, which the next run removes.
  const std::string old = final_ + ".old." + std::to_string(::getpid());
  if (::rename(final_.c_str(), old.c_str()) != 0 || ::rename(staging_.c_str(), final_.c_str()) != 0)
    throw Error("--out '" + final_ + "': cannot replace the folder: " + std::strerror(errno));
  committed_ = true;
  fs::remove_all(old, ec);
}

}  // namespace mx
