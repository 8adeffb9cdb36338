#pragma once
#include <string>
#include <vector>

namespace mx {

// `metaxbar presets [--dir DIR]`: the configs/ presets (run configs and sweep files) beside
// the binary, each with its description.
int presets_command(const std::vector<std::string>& args);

}  // namespace mx
