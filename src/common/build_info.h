#pragma once
// Which build produced a result: the project version and the git commit of the sources.
// Both are written by CMake at build time (cmake/build_info.cmake), so a result names the
// code that computed it even when the commit changed without a re-configure.
#include <string>

namespace mx {

struct BuildInfo {
  std::string version;  // the project's version, "MAJOR.MINOR.PATCH"
  std::string commit;   // 12 hex digits, "-dirty" appended for uncommitted changes; "unknown" outside git
  // "metaxbar 0.3.0 (commit 0123456789ab)"
  std::string describe() const;
};

const BuildInfo& build_info();

}  // namespace mx
