#pragma once
// `metaxbar device ...`: level and transition tables from raw cycling data (tb/device_command.cpp).
#include <string>
#include <vector>

namespace mx {

int device_command(const std::vector<std::string>& args);

}  // namespace mx
