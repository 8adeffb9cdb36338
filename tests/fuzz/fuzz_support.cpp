#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "fuzz_target.h"

namespace mx::fuzz {

std::string scratch_file(const std::string& stem, const std::string& text) {
  const std::string path = (std::filesystem::temp_directory_path() / ("mx-fuzz-" + std::to_string(::getpid()) + "-" + stem)).string();
  FILE* file = std::fopen(path.c_str(), "wb");
  if (!file) throw mx::Error(path + ": cannot write the fuzz scratch file");
  std::fwrite(text.data(), 1, text.size(), file);
  std::fclose(file);
  return path;
}

}  // namespace mx::fuzz
