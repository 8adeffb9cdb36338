// The tech-table reader: a whole tech file, and the same document as `tech` overrides.
#include "config/config.h"
#include "fuzz_target.h"
#include "hw/tech.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return mx::fuzz::run(data, size, [](const std::string& text) {
    const mx::json document = mx::parse_json_text(text, "fuzz-tech.json");
    try {
      (void)mx::Tech::from_json(document, "fuzz-tech.json");
    } catch (const mx::Error&) {
    }
    mx::Tech tech = mx::Tech::defaults();
    tech.apply_overrides(document, "tech");
  });
}
