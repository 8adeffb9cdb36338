#include "common/build_info.h"

#include "mx_build_info_generated.h"

namespace mx {

std::string BuildInfo::describe() const { return "metaxbar " + version + " (commit " + commit + ")"; }

const BuildInfo& build_info() {
  static const BuildInfo info{MX_BUILD_VERSION, MX_BUILD_COMMIT};
  return info;
}

}  // namespace mx
