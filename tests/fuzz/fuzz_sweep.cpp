// The sweep-file reader: expansion, constraints and the per-point checks, over a fixed
// tiny base config written once at start-up ("base": "@BASE@" in the corpus is replaced).
#include <cstdio>

#include "config/config.h"
#include "fuzz_target.h"
#include "tb/sweep_file.h"

namespace {
const std::string& base_path() {
  static const std::string path = mx::fuzz::scratch_file("base.json", R"({"data": {"train_samples": 10}})");
  return path;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return mx::fuzz::run(data, size, [](std::string text) {
    for (size_t at; (at = text.find("@BASE@")) != std::string::npos;) text.replace(at, 6, base_path());
    const mx::Sweep sweep = mx::parse_sweep(mx::parse_ordered_json_text(text, "fuzz-sweep.json"), "fuzz-sweep.json");
    (void)sweep.manifest().dump();
  });
}
