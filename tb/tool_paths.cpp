#include "tb/tool_paths.h"

#include "common/error.h"

namespace fs = std::filesystem;

#ifndef MX_SHARE_FROM_BIN
#define MX_SHARE_FROM_BIN "../share/metaxbar"
#endif

namespace mx {

namespace {

fs::path executable_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

}  // namespace

std::optional<fs::path> find_share_dir(std::string* why) {
  const fs::path exe_dir = executable_dir();
  if (exe_dir.empty()) {
    if (why) *why = "cannot read /proc/self/exe to find the binary's folder";
    return std::nullopt;
  }
  std::error_code ec;
  std::string looked;
  // MX_SHARE_FROM_BIN is the install layout (GNUInstallDirs' bin -> share/metaxbar); the
  // build tree keeps its share folder beside the binary.
  for (const fs::path& candidate : {exe_dir / MX_SHARE_FROM_BIN, exe_dir / "share" / "metaxbar"}) {
    const fs::path dir = candidate.lexically_normal();
    if (fs::is_directory(dir / "tools", ec)) return dir;
    looked += (looked.empty() ? "" : ", ") + dir.string();
  }
  if (why) *why = "no tools/ folder beside the binary (looked in " + looked + ")";
  return std::nullopt;
}

std::optional<fs::path> find_tool(const std::string& script, std::string* why) {
  const std::optional<fs::path> share = find_share_dir(why);
  if (!share) return std::nullopt;
  const fs::path path = *share / "tools" / script;
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) return path;
  if (why) *why = "missing " + path.string();
  return std::nullopt;
}

fs::path tool_path(const std::string& script) {
  std::string why;
  const std::optional<fs::path> path = find_tool(script, &why);
  if (!path) throw Error(why);
  return *path;
}

fs::path share_dir() {
  std::string why;
  const std::optional<fs::path> dir = find_share_dir(&why);
  if (!dir) throw Error(why);
  return *dir;
}

}  // namespace mx
