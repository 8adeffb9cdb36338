#include "common/input_limits.h"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "common/error.h"

namespace mx {

std::string read_file_capped(const std::string& path, size_t cap, const std::string& what) {
  FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) throw Error(path + ": cannot open " + what + ": " + std::strerror(errno));
  std::string text;
  char buffer[1 << 16];
  for (;;) {
    const size_t got = std::fread(buffer, 1, sizeof buffer, file);
    text.append(buffer, got);
    if (text.size() > cap) {
      std::fclose(file);
      throw Error(path + ": " + what + " larger than " + std::to_string(cap) + " bytes (the limit)");
    }
    if (got < sizeof buffer) break;
  }
  const bool failed = std::ferror(file) != 0;
  const std::string reason = std::strerror(errno);
  std::fclose(file);
  if (failed) throw Error(path + ": cannot read " + what + ": " + reason);
  return text;
}

void check_json_depth(const std::string& text, const std::string& origin) {
  size_t depth = 0, line = 1;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (c == '\n') ++line;
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth)
        throw Error(origin + ": line " + std::to_string(line) + ": JSON nested deeper than " +
                    std::to_string(kMaxJsonDepth) + " levels (the limit)");
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
}

size_t first_invalid_utf8(const std::string& text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  for (size_t i = 0; i < n;) {
    const unsigned char c = s[i];
    size_t extra = 0;
    uint32_t min = 0, code = 0;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xe0) == 0xc0) extra = 1, min = 0x80, code = c & 0x1f;
    else if ((c & 0xf0) == 0xe0) extra = 2, min = 0x800, code = c & 0x0f;
    else if ((c & 0xf8) == 0xf0) extra = 3, min = 0x10000, code = c & 0x07;
    else return i;
    if (i + extra >= n) return i;
    for (size_t k = 1; k <= extra; ++k) {
      if ((s[i + k] & 0xc0) != 0x80) return i;
      code = (code << 6) | (s[i + k] & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
    if (code < min || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return i;
    i += extra + 1;
  }
  return std::string::npos;
}

}  // namespace mx
