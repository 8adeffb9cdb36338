#pragma once
// Where the binary's support files are: the Python tools (report, Pareto figure) and the
// configs/ presets. They are found relative to the running binary, never through the source
// checkout, so an installed binary, or a build folder anywhere, works on its own:
//   installed:   <prefix>/bin/metaxbar    ->  <prefix>/share/metaxbar/{tools,configs}
//   build tree:  <build>/metaxbar         ->  <build>/share/metaxbar/{tools,configs}
//                (links CMake makes to the sources at configure time)
#include <filesystem>
#include <optional>
#include <string>

namespace mx {

// The share folder, or nullopt with `why` naming the places looked in.
std::optional<std::filesystem::path> find_share_dir(std::string* why);

// share/metaxbar/tools/<script>, or nullopt with `why` saying what is missing.
std::optional<std::filesystem::path> find_tool(const std::string& script, std::string* why);

// As find_tool / find_share_dir, but a missing file is an mx::Error carrying `why`.
std::filesystem::path tool_path(const std::string& script);
std::filesystem::path share_dir();

}  // namespace mx
