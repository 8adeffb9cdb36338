#include "device/level_table.h"

#include <algorithm>
#include <cmath>

#include "common/csv_file.h"
#include "common/error.h"
#include "common/input_limits.h"
#include "config/config.h"

namespace mx {

LevelTable::LevelTable(std::vector<Level> levels, const std::string& origin) : levels_(std::move(levels)) {
  if (levels_.size() < 2)
    throw Error(origin + ": a level table needs at least 2 levels, got " + std::to_string(levels_.size()));
  if (levels_.size() > kMaxLevels)
    throw Error(origin + ": a level table holds at most " + std::to_string(kMaxLevels) + " levels, got " +
                std::to_string(levels_.size()));
  for (size_t i = 0; i < levels_.size(); ++i) {
    const Level& level = levels_[i];
    if (!(level.r_ohm > 0) || !std::isfinite(level.r_ohm))
      throw Error(origin + "[" + std::to_string(i) + "]: expected a positive resistance, got " +
                  std::to_string(level.r_ohm));
    if (!(level.r_std_ohm >= 0) || !std::isfinite(level.r_std_ohm))
      throw Error(origin + "[" + std::to_string(i) + "]: expected a non-negative standard deviation, got " +
                  std::to_string(level.r_std_ohm));
  }
  if (levels_.front().r_ohm < levels_.back().r_ohm) std::reverse(levels_.begin(), levels_.end());
  for (size_t i = 1; i < levels_.size(); ++i)
    if (!(levels_[i].r_ohm < levels_[i - 1].r_ohm))
      throw Error(origin + ": level table is not monotonic: resistance " + std::to_string(levels_[i].r_ohm) +
                  " ohm does not continue the order of its neighbour " + std::to_string(levels_[i - 1].r_ohm) +
                  " ohm (levels must be strictly increasing or strictly decreasing)");
  // The arrays store resistances as float: a level must survive that conversion (1e39 ohm
  // becomes inf) and stay distinct from its neighbour (10000 and 10000.0000001 ohm merge).
  for (size_t i = 0; i < levels_.size(); ++i) {
    const float r = static_cast<float>(levels_[i].r_ohm), s = static_cast<float>(levels_[i].r_std_ohm);
    if (!std::isfinite(r) || !std::isnormal(r) || !std::isfinite(s))
      throw Error(origin + "[" + std::to_string(i) + "]: " + std::to_string(levels_[i].r_ohm) +
                  " ohm (sigma " + std::to_string(levels_[i].r_std_ohm) +
                  ") is outside the range of the float the arrays store it in (1.2e-38 to 3.4e38)");
    if (i > 0 && !(r < static_cast<float>(levels_[i - 1].r_ohm)))
      throw Error(origin + ": levels " + std::to_string(levels_[i].r_ohm) + " and " +
                  std::to_string(levels_[i - 1].r_ohm) + " ohm are one resistance in the float the arrays store "
                  "(about 7 significant digits): make them differ more");
  }
  for (size_t i = 0; i + 1 < levels_.size(); ++i)
    boundaries_.push_back(0.5 * (levels_[i].r_ohm + levels_[i + 1].r_ohm));
}

LevelTable LevelTable::generate(size_t count, double g_min_us, double g_max_us, double sigma_frac,
                                bool even_in_conductance) {
  std::vector<Level> levels;
  const double r_max = 1e6 / g_min_us, r_min = 1e6 / g_max_us;
  for (size_t i = 0; i < count; ++i) {
    const double x = count > 1 ? static_cast<double>(i) / static_cast<double>(count - 1) : 0.0;
    const double r = even_in_conductance ? 1e6 / (g_min_us + x * (g_max_us - g_min_us))
                                         : r_max * std::pow(r_min / r_max, x);
    levels.push_back({r, sigma_frac * r});
  }
  return LevelTable(std::move(levels), "device.levels");
}

namespace {

std::vector<Level> levels_from_array(const nlohmann::json& array, const std::string& origin) {
  if (array.size() > kMaxLevels)
    throw Error(origin + ": a level table holds at most " + std::to_string(kMaxLevels) + " levels, got " +
                std::to_string(array.size()));
  std::vector<Level> levels;
  for (size_t i = 0; i < array.size(); ++i) {
    const auto& item = array[i];
    const std::string where = origin + "[" + std::to_string(i) + "]";
    if (!item.is_object() || !item.contains("r_ohm") || !item["r_ohm"].is_number())
      throw Error(where + ": expected an object {\"r_ohm\": number, \"r_std_ohm\": number}, got " + shown_value(item));
    for (auto it = item.begin(); it != item.end(); ++it)
      if (it.key() != "r_ohm" && it.key() != "r_std_ohm")
        throw Error(where + ": unknown key '" + it.key() + "' (expected r_ohm, r_std_ohm)");
    if (item.contains("r_std_ohm") && !item["r_std_ohm"].is_number())
      throw Error(where + ".r_std_ohm: expected a number, got " + shown_value(item["r_std_ohm"]));
    const double std_ohm = item.contains("r_std_ohm") ? item["r_std_ohm"].get<double>() : 0.0;
    levels.push_back({item["r_ohm"].get<double>(), std_ohm});
  }
  return levels;
}

double number_field(const nlohmann::json& object, const char* name, double fallback, const std::string& origin) {
  if (!object.contains(name)) return fallback;
  if (!object[name].is_number())
    throw Error(origin + "." + name + ": expected a number, got " + shown_value(object[name]));
  return object[name].get<double>();
}

}  // namespace

LevelTable LevelTable::from_config(const nlohmann::json& value, const std::string& json_path) {
  if (value.is_string()) return from_file(value.get<std::string>());
  if (value.is_array()) return LevelTable(levels_from_array(value, json_path), json_path);
  if (!value.is_object())
    throw Error(json_path + ": expected a generator object, an array of levels or a file path, got " +
                std::string(value.type_name()));
  for (auto it = value.begin(); it != value.end(); ++it) {
    static const char* known[] = {"count", "g_min_us", "g_max_us", "sigma_frac", "spacing"};
    if (std::find(std::begin(known), std::end(known), it.key()) == std::end(known))
      throw Error(json_path + ": unknown key '" + it.key() +
                  "' (expected count, g_min_us, g_max_us, sigma_frac, spacing)");
  }
  // The fallbacks are the schema's default table (device.levels): {"sigma_frac": 0.1} alone
  // is that table with another sigma.
  const double count = number_field(value, "count", 16, json_path);
  const double g_min = number_field(value, "g_min_us", 10, json_path);
  const double g_max = number_field(value, "g_max_us", 100, json_path);
  const double sigma = number_field(value, "sigma_frac", 0.05, json_path);
  const std::string spacing = value.value("spacing", std::string("conductance"));
  if (count < 2 || count > 1024 || std::floor(count) != count)
    throw Error(json_path + ".count: expected an integer in [2, 1024], got " + shown_value(value["count"]));
  if (!(g_min > 0) || !(g_max > g_min))
    throw Error(json_path + ": expected 0 < g_min_us < g_max_us, got " + std::to_string(g_min) + " and " +
                std::to_string(g_max));
  if (!(sigma >= 0) || sigma > 1)
    throw Error(json_path + ".sigma_frac: expected a number in [0, 1], got " + std::to_string(sigma));
  if (spacing != "conductance" && spacing != "resistance")
    throw Error(json_path + ".spacing: expected conductance | resistance, got \"" + spacing + "\"");
  return generate(static_cast<size_t>(count), g_min, g_max, sigma, spacing == "conductance");
}

LevelTable LevelTable::from_file(const std::string& path) {
  // 1024 levels of CSV are ~40 KB; the cap stops /dev/zero or a wrong path to a dataset.
  constexpr size_t kMaxTableBytes = size_t{1} << 20;
  const bool is_json = path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0;
  if (is_json) {
    const nlohmann::json document = parse_json_text(read_file_capped(path, kMaxTableBytes, "level table"), path);
    if (!document.is_array()) throw Error(path + ": expected a JSON array of {r_ohm, r_std_ohm}");
    return LevelTable(levels_from_array(document, path), path);
  }
  // CSV: a header naming r_ohm and r_std_ohm columns (any order), then one level per line.
  const CsvFile csv = read_csv_file(path, "level table", kMaxTableBytes);
  if (csv.header.number == 0) throw Error(path + ": empty level table");
  const int r_column = csv.column("r_ohm"), std_column = csv.column("r_std_ohm");
  if (r_column < 0 || std_column < 0)
    throw Error(path + ": expected a CSV header with columns r_ohm and r_std_ohm, got '" +
                csv.header.text.substr(0, kMaxShownChars) + "'");
  const size_t needed = static_cast<size_t>(std::max(r_column, std_column)) + 1;
  std::vector<Level> levels;
  for (const CsvLine& row : csv.rows) {
    try {
      if (row.cells.size() < needed) throw std::invalid_argument("short row");
      size_t used = 0;
      const double r = std::stod(row.cells[r_column], &used);
      if (used != row.cells[r_column].size()) throw std::invalid_argument("trailing text");
      const double s = std::stod(row.cells[std_column], &used);
      if (used != row.cells[std_column].size()) throw std::invalid_argument("trailing text");
      levels.push_back({r, s});
    } catch (const std::logic_error&) {
      throw Error(csv.where(row) + ": expected two numbers r_ohm,r_std_ohm, got '" +
                  row.text.substr(0, kMaxShownChars) + "'");
    }
  }
  return LevelTable(std::move(levels), path);
}

nlohmann::json LevelTable::to_json() const {
  nlohmann::json array = nlohmann::json::array();
  for (const auto& level : levels_) array.push_back({{"r_ohm", level.r_ohm}, {"r_std_ohm", level.r_std_ohm}});
  return array;
}

}  // namespace mx
