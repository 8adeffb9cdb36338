#include "tb/presets_command.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "tb/tool_paths.h"

namespace fs = std::filesystem;

namespace mx {

int presets_command(const std::vector<std::string>& args) {
  fs::path dir;
  if (args.size() == 2 && args[0] == "--dir") {
    dir = args[1];
  } else if (!args.empty()) {
    throw Error("presets: unexpected argument '" + args[0] + "' (expected nothing or --dir DIR)");
  } else {
    dir = share_dir() / "configs";
  }
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw Error("presets: '" + dir.string() + "' is not a folder");

  // Grouped by subfolder (chip, paper, sweeps, tech), names sorted, so the listing is stable.
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> groups;
  for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
    const fs::path relative = entry.path().lexically_relative(dir);
    std::ifstream in(entry.path());
    const nlohmann::json document = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (document.is_discarded()) throw Error("presets: " + entry.path().string() + " is not valid JSON");
    std::string description = "(no description)";
    if (document.is_object() && document.contains("description") && document["description"].is_string())
      description = document["description"].get<std::string>();
    else if (relative.parent_path() == "tech")
      description = "technology table: energy and latency of every chip operation, with sources";
    groups[relative.parent_path().string()].emplace_back(relative.string(), description);
  }
  std::printf("presets in %s (run: metaxbar run %s/<name>; sweeps: metaxbar sweep %s/sweeps/<name>)\n",
              dir.string().c_str(), dir.string().c_str(), dir.string().c_str());
  for (auto& [group, presets] : groups) {
    std::sort(presets.begin(), presets.end());
    std::printf("\n%s/\n", group.empty() ? "." : group.c_str());
    for (const auto& [name, description] : presets) std::printf("  %-40s %s\n", name.c_str(), description.c_str());
  }
  return 0;
}

}  // namespace mx
