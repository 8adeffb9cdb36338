#pragma once
// Helpers the sweep files share (not part of the sweep interface): JSON canonical forms,
// the stable hash behind point ids and fingerprints, error paths and CSV cells.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.h"

namespace mx::sweep_detail {

using ojson = nlohmann::ordered_json;

// The sweep file keeps its key order (axes vary in the order written); everything below
// the parser works on mx::json.
json plain(const ojson& value);
[[noreturn]] void fail(const std::string& origin, const std::string& path, const std::string& message);
std::string index_path(const std::string& path, size_t i);
// 8 and 8.0 are the same value to the config, so they must name the same point.
json canonical(const json& value);
// FNV-1a: a stable hash we spell out, so point ids are the same on every platform and build.
uint64_t fnv1a(const std::string& text);
std::string hex(uint64_t value, int digits);
std::string read_text(const std::string& path, bool* ok);
std::string csv_line(const std::vector<std::string>& cells);

}  // namespace mx::sweep_detail
