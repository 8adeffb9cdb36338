#pragma once
// Bounds on what an input may cost before it is understood: file sizes, JSON nesting, text
// encoding. Each limit is stated here once so the error messages, the README and the fuzz
// targets agree; a file or value past a limit is an mx::Error naming it, never a crash.
#include <cstddef>
#include <string>

namespace mx {

// Config, sweep, tech and level-table files; the largest shipped config is a few KB.
constexpr size_t kMaxInputFileBytes = size_t{16} << 20;
// JSON nesting: nlohmann-json's dump() and destructor recurse once per level, so an
// unbounded depth overflows the stack (a 118 KB file of 59 000 '[' did). No config needs 10.
constexpr size_t kMaxJsonDepth = 64;
// Values echoed in error messages are cut to this many characters.
constexpr size_t kMaxShownChars = 120;

// The whole file, or mx::Error "<path>: ... larger than N bytes" when it holds more than
// `cap` bytes (read by chunks, so /dev/zero or a FIFO stops at the cap too).
std::string read_file_capped(const std::string& path, size_t cap, const std::string& what);

// Throws "<origin>: line L: JSON nested deeper than 64 levels" before anything is parsed.
void check_json_depth(const std::string& text, const std::string& origin);

// The offset of the first byte that is not well-formed UTF-8, or std::string::npos.
size_t first_invalid_utf8(const std::string& text);

}  // namespace mx
