#pragma once
// The architect's sections of a timed run's summary.json — area_mm2, power_mw, throughput,
// efficiency, static_energy_pj, per_layer / per_tile, the block inventory, the run's tech
// table and its event counts (what `metaxbar recost` re-prices) — and the console summary.
#include <cstdio>

#include <nlohmann/json.hpp>

namespace mx {

class ChipBase;
class Config;

// Before a run: fails (mx::Error) on what the chip cannot honour, so a long simulation does
// not end in an error.
void check_architect_config(const Config& config);

// After a timed run, with `s` holding the chip's energy_pj, latency and chip sections.
void add_architect_summary(const Config& config, const ChipBase& chip, nlohmann::json& s);

// The architect's figures of `summary` priced again: the sections add_architect_summary
// writes, from its recorded inventory, event counts and chip times and `tech`. Shared by
// the run and by recost, so the two cannot disagree.
nlohmann::json price_run(const Config& config, const nlohmann::json& summary, const class Tech& tech);

// The SRAM a run's chip holds, from its summary's memory_bits section.
struct SramBits;
SramBits sram_bits_of(const Config& config, const nlohmann::json& memory_bits);

// A short summary for the console after a timed run.
void print_architect_summary(const nlohmann::json& summary, std::FILE* out);

}  // namespace mx
