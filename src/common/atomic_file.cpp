#include "common/atomic_file.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <unistd.h>

#include "common/error.h"

namespace mx {

namespace {

// MX_FAIL_WRITE_AT=N makes this process's Nth write fail as a full disk would: the test
// that every write of a run can fail (or be killed) without touching the earlier result.
bool injected_failure() {
  static const long fail_at = [] {
    const char* text = std::getenv("MX_FAIL_WRITE_AT");
    return text ? std::atol(text) : 0L;
  }();
  static long writes = 0;
  return fail_at > 0 && ++writes == fail_at;
}

}  // namespace

void write_file_atomically(const std::string& path, const std::string& contents) {
  const std::string temporary = path + ".tmp." + std::to_string(::getpid());
  if (injected_failure()) throw Error("cannot write '" + temporary + "': No space left on device (MX_FAIL_WRITE_AT)");
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) throw Error("cannot write '" + temporary + "': " + std::strerror(errno));
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    out.flush();
    if (!out) {
      std::remove(temporary.c_str());
      throw Error("cannot write '" + temporary + "': " + std::strerror(errno));
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    std::remove(temporary.c_str());
    throw Error("cannot rename '" + temporary + "' to '" + path + "': " + reason);
  }
}

}  // namespace mx
