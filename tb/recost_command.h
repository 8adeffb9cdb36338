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
// The run's summary.json, checked to be a timed run with recorded events.
nlohmann::json read_timed_run(const std::string& run_dir);

}  // namespace mx
