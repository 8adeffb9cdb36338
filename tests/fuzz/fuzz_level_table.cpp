// The level-table reader: `device.levels` as an inline JSON value, and the same bytes as a
// CSV and a JSON file.
#include <cstdio>

#include "config/config.h"
#include "device/level_table.h"
#include "fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mx::fuzz::run(data, size, [](const std::string& text) {
    const std::string path = mx::fuzz::scratch_file("levels.csv", text);
    try {
      (void)mx::LevelTable::from_file(path);
    } catch (...) {
      std::remove(path.c_str());
      throw;
    }
    std::remove(path.c_str());
  });
  mx::fuzz::run(data, size, [](const std::string& text) {
    const mx::LevelTable table = mx::LevelTable::from_config(mx::parse_json_text(text, "fuzz"), "device.levels");
    for (const auto& level : table.levels()) (void)table.nearest_level(level.r_ohm);
  });
  return 0;
}
