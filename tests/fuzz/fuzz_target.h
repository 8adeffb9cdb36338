#pragma once
// One fuzz target per reader: the input is accepted or rejected with mx::Error; anything
// else (another exception, a crash, a sanitizer report) is a finding. Built against libFuzzer
// with -DMX_FUZZ=ON (clang), else against standalone_driver.cpp, which replays the seed
// corpus and a fixed number of deterministic mutations of it (the ctest smoke).
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/error.h"

namespace mx::fuzz {

// Runs `body` on the input as text; mx::Error is the expected way to say no.
template <typename Body>
int run(const uint8_t* data, size_t size, Body body) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    body(text);
  } catch (const mx::Error&) {
  }
  return 0;
}

// A scratch file for readers that take a path: the input's bytes, written per call.
std::string scratch_file(const std::string& stem, const std::string& text);

}  // namespace mx::fuzz
