#pragma once
// `metaxbar recost RUN_DIR ...`: re-prices a finished timed run under another tech table
// from its recorded event counts, without re-simulating (tb/recost_command.cpp).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mx {

class Tech;

int recost_command(const std::vector<std::string>& args);

// The re-priced figures of the run in `run_dir` under `tech` (recost.json's body, without
// corners). Errors name the folder or file.
nlohmann::json recost_run(const std::string& run_dir, const Tech& tech);
// The summary a simulation of `config` would have written, from `simulated`, the summary of
// a timed run whose config differs from `config` only in tech prices (no latency): energy,
// area, power, throughput, efficiency and static energy re-priced under config's tech table,
// `config` and `tech_table` replaced, and "recosted_from" set to `twin`. Errors name `origin`.
nlohmann::json recosted_summary(const nlohmann::json& simulated, const nlohmann::json& config, const std::string& twin,
                                const std::string& origin);
// The run's summary.json, checked to be a timed run with recorded events.
nlohmann::json read_timed_run(const std::string& run_dir);

}  // namespace mx
