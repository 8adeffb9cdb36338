#pragma once
// Outputs are written to a temporary name beside the target and renamed into place, so a
// crash or a failed run never leaves a half-written file that looks whole, and an earlier
// result at the same path survives until the new one is complete.
#include <string>

namespace mx {

void write_file_atomically(const std::string& path, const std::string& contents);

}  // namespace mx
