#pragma once
// For tests that drive the metaxbar binary as a user would: run a command, capture what it
// printed and how it exited; fresh scratch folders; whole files as text.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace mx::testing_support {

struct Outcome {
  int exit_code;
  std::string output;  // stdout, and stderr unless asked otherwise
};

inline Outcome run_shell(const std::string& command, bool with_stderr = true) {
  FILE* pipe = popen((command + (with_stderr ? " 2>&1" : " 2>/dev/null")).c_str(), "r");
  std::string output;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

inline Outcome run_metaxbar(const std::string& args) {
  return run_shell(std::string(MX_BINARY_DIR) + "/metaxbar " + args);
}

// An empty folder of its own for each test file, test and process (other build trees may
// run the same suite at the same time).
inline std::string fresh_temp_dir(const std::string& suite, const std::string& name) {
  const std::filesystem::path dir =
      std::filesystem::path(testing::TempDir()) / ("mx_" + suite + "_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace mx::testing_support
