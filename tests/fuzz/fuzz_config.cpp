// The run config reader: a JSON document merged over the schema, then --set assignments
// made of the input's lines (key=value), as `metaxbar run` reads them.
#include <sstream>

#include "config/config.h"
#include "fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return mx::fuzz::run(data, size, [](const std::string& text) {
    const size_t split = text.find("\n--set\n");
    mx::Config config = mx::Config::from_json(mx::parse_json_text(text.substr(0, split), "fuzz.json"), "fuzz.json");
    if (split != std::string::npos) {
      std::istringstream lines(text.substr(split + 7));
      for (std::string line; std::getline(lines, line);) config.set(line);
    }
    (void)config.unused_keys();
    (void)config.resolved().dump();
  });
}
