// The IDX reader: raw and gzip-compressed files (the input's bytes are the file).
#include <cstdio>

#include "data/idx.h"
#include "fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return mx::fuzz::run(data, size, [](const std::string& text) {
    const std::string path = mx::fuzz::scratch_file("data.idx", text);
    try {
      (void)mx::read_idx(path);
    } catch (...) {
      std::remove(path.c_str());
      throw;
    }
    std::remove(path.c_str());
  });
}
