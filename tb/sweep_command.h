#pragma once
// `metaxbar sweep ...`: design-space sweeps (tb/sweep_command.cpp).
#include <string>
#include <vector>

namespace mx {

int sweep_command(const std::vector<std::string>& args);

}  // namespace mx
