#include "tb/sweep_command.h"

#include "common/error.h"

namespace mx {

int sweep_command(const std::vector<std::string>& args) { throw Error("sweep: not available yet"); }

}  // namespace mx
