#pragma once
// The technology table: every per-operation energy (pJ) and latency (ns) the chip model
// charges, and every block kind's area (µm²) and leakage (µW), each with the source it came
// from and the process node it was published at. Published figures disagree by more than
// 10x (ADCs especially), so a number without its source is not worth reporting; the source
// travels with the number into summaries and reports.
//
// defaults() is the table in tech.cpp. configs/tech/default.json is that table dumped (a
// test keeps the two equal) for users to read and copy; a copy, or a partial object of
// overrides, is merged back with from_json / apply_overrides.
//
// Corners: any figure may carry `<figure>_min` / `<figure>_max` beside it (or an entry a
// `spread`, a ± fraction for every figure without its own bounds); corner(low|high) gives
// the table with every figure at that bound.
//
// Node scaling: the top-level `node_nm` ({"value": nm}, 0 = every figure at the node it was
// published at) moves every entry with a node of its own to that node by Dennard's
// constant-field rule (Dennard et al., IEEE JSSC 1974): with k = entry node / target node,
// area / k², energy per operation / k³ (C / k, V / k), latency / k, leakage power / k²
// (current / k, V / k). Below ~90 nm supply voltage stopped scaling, so the rule is
// optimistic for a shrink (and pessimistic for a growth) there: energy falls more slowly in
// silicon than k³. Entries at node 0 (device physics such as the RRAM pulses, or a figure
// whose node we do not know) are not scaled.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mx {

struct TechEntry {
  double energy_pj = 0;   // per operation, as the entry's name defines the operation
  double latency_ns = 0;  // per operation; 0 for combinational work inside another's cycle
  double area_um2 = 0;    // per instance of the block kind the entry's name defines
  double leakage_uw = 0;  // per instance, whenever powered
  double node_nm = 0;     // process node of the published figures; 0 = not CMOS-scaled
  // The voltage across the device during the operation, for entries whose energy the chip
  // computes from the device's own conductance (rram_read: V^2 G t); 0 = the entry has none.
  double voltage_v = 0;
  std::string source;

  // A read entry's energy per µS of conductance read: (V)² G t with G = 1 µS, in pJ. The chip's
  // ledger and the service-life report both price device reads with it.
  double read_pj_per_microsiemens() const { return voltage_v * voltage_v * latency_ns * 1e-3; }
};

// The four figures an entry carries, by their JSON names, with their bounds.
enum class TechFigure { energy_pj, latency_ns, area_um2, leakage_uw };
constexpr TechFigure kTechFigures[] = {TechFigure::energy_pj, TechFigure::latency_ns, TechFigure::area_um2,
                                       TechFigure::leakage_uw};
const char* tech_figure_name(TechFigure figure);

enum class TechCorner { low, high };

class Tech {
 public:
  static Tech defaults();
  // The defaults with `document` (a full table or any part of one) applied over them;
  // `origin` (a file name) prefixes error messages.
  static Tech from_json(const nlohmann::json& document, const std::string& origin);

  // `overrides` is {"entry": {"energy_pj": x, "area_um2": a, "source": "...", ...}, ...}.
  // Only known entries and fields may be touched (errors name the JSON path and the
  // nearest known name); values must be finite and >= 0, a minimum not above its maximum
  // and the value inside them. A number changed without a new source gets a source saying
  // so, so a report never credits a user's value to a paper. New ADC widths may be added as
  // "adc_conversion_<n>bit" (n in 1..16).
  void apply_overrides(const nlohmann::json& overrides, const std::string& json_path);

  // The entry at the table's node (scaled when node_nm is set).
  const TechEntry& at(const std::string& name) const;  // mx::Error listing nearest names
  bool contains(const std::string& name) const { return entries_.count(name) != 0; }
  std::vector<std::string> names() const;

  // The conversion cost of a `bits`-wide ADC (0 = ideal, costed as the reference 8-bit
  // converter). A width without its own entry between two tabulated widths is
  // interpolated geometrically in energy, area and leakage (a constant factor per bit, the
  // same rule that gives the 5-bit default) and linearly in latency; outside the tabulated
  // span it is an error asking for an entry, because extrapolating converter costs is
  // guesswork.
  TechEntry adc_conversion(unsigned bits) const;
  static std::string adc_conversion_name(unsigned bits);

  // Write cycles a device survives (HfO2 RRAM), with its source.
  double endurance_cycles() const { return endurance_cycles_; }
  const std::string& endurance_source() const { return endurance_source_; }

  // The node every scaled entry is moved to; 0 = as published.
  double node_nm() const { return node_nm_; }
  // The table with every figure at its lower or upper bound (a figure without bounds keeps
  // its value).
  Tech corner(TechCorner which) const;
  bool has_corners() const;

  // The published table (entries at their own nodes, with their bounds) and node_nm, so
  // from_json(to_json()) gives the same table back.
  nlohmann::json to_json() const;

 private:
  struct Bounds {
    double min = 0, max = 0;
  };
  struct Published {
    TechEntry entry;
    std::map<TechFigure, Bounds> bounds;
    double spread = 0;  // ± fraction for the figures without bounds of their own
  };
  void rescale();  // entries_ from published_ at node_nm_

  std::map<std::string, Published> published_;
  std::map<std::string, TechEntry> entries_;
  double endurance_cycles_ = 0;
  std::string endurance_source_;
  double node_nm_ = 0;
};

}  // namespace mx
