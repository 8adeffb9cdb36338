#pragma once
// The technology table: every per-operation energy (pJ) and latency (ns) the chip model
// charges, each with the source it came from beside it. Published figures disagree by more
// than 10x (ADCs especially), so a number without its source is not worth reporting; the
// source travels with the number into summaries and reports.
//
// defaults() is the table in tech.cpp. configs/tech/default.json is that table dumped (a
// test keeps the two equal) for users to read and copy; a copy, or a partial object of
// overrides, is merged back with from_json / apply_overrides.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mx {

struct TechEntry {
  double energy_pj = 0;   // per operation, as the entry's name defines the operation
  double latency_ns = 0;  // per operation; 0 for combinational work inside another's cycle
  std::string source;
};

class Tech {
 public:
  static Tech defaults();
  // The defaults with `document` (a full table or any part of one) applied over them;
  // `origin` (a file name) prefixes error messages.
  static Tech from_json(const nlohmann::json& document, const std::string& origin);

  // `overrides` is {"entry": {"energy_pj": x, "latency_ns": y, "source": "..."}, ...}.
  // Only known entries and fields may be touched (errors name the JSON path and the
  // nearest known name); values must be finite and >= 0. A number changed without a new
  // source gets a source saying so, so a report never credits a user's value to a paper.
  // New ADC widths may be added as "adc_conversion_<n>bit" (n in 1..16).
  void apply_overrides(const nlohmann::json& overrides, const std::string& json_path);

  const TechEntry& at(const std::string& name) const;  // mx::Error listing nearest names
  bool contains(const std::string& name) const { return entries_.count(name) != 0; }
  std::vector<std::string> names() const;

  // The conversion cost of a `bits`-wide ADC (0 = ideal, costed as the reference 8-bit
  // converter). A width without its own entry between two tabulated widths is
  // interpolated geometrically in energy (a constant factor per bit, the same rule that
  // gives the 5-bit default) and linearly in latency; outside the tabulated span it is an
  // error asking for an entry, because extrapolating converter energy is guesswork.
  TechEntry adc_conversion(unsigned bits) const;
  static std::string adc_conversion_name(unsigned bits);

  // Write cycles a device survives (HfO2 RRAM), with its source.
  double endurance_cycles() const { return endurance_cycles_; }
  const std::string& endurance_source() const { return endurance_source_; }

  nlohmann::json to_json() const;

 private:
  std::map<std::string, TechEntry> entries_;
  double endurance_cycles_ = 0;
  std::string endurance_source_;
};

}  // namespace mx
