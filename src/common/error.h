#pragma once
// User-facing failures: bad input files, bad configs, chips that cannot be built.
// The message is one line that names the problem (file, JSON path, expected vs got);
// the command line prints it and exits non-zero.
#include <stdexcept>
#include <string>

namespace mx {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace mx
