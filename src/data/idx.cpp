#include "data/idx.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/error.h"

namespace mx {
namespace {

// Any real image dataset is far smaller; the cap stops a damaged header from asking for
// an absurd allocation (or overflowing the product) before the payload is even read.
// 2^28 items (256 MiB) is 5.7 times MNIST's training images (60000x28x28 = 47 M items); a
// 3 MB gzip bomb whose header claims 3 GB is refused before any of it is decompressed.
constexpr uint64_t kMaxElements = uint64_t{1} << 28;
// Trailing data is counted up to this much; past it the message says "at least".
constexpr uint64_t kMaxTrailingCounted = uint64_t{1} << 20;
constexpr size_t kChunk = size_t{1} << 20;

std::string hex_bytes(const uint8_t* bytes, size_t n) {
  std::string out;
  char buf[4];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof buf, i ? " %02x" : "%02x", bytes[i]);
    out += buf;
  }
  return out;
}

// Product of the dimensions, saturated just above the cap: each factor is below 2^32 and
// the running product is checked before the next multiplication, so nothing overflows.
uint64_t capped_elements(const std::vector<uint32_t>& dims) {
  uint64_t elements = 1;
  for (uint32_t d : dims) {
    elements *= d;
    if (elements > kMaxElements) return kMaxElements + 1;
  }
  return elements;
}

// "8000 items" for labels, "60000x28x28 = 47040000 items" for images.
std::string describe_shape(const std::vector<uint32_t>& dims, uint64_t elements) {
  if (dims.size() == 1) return std::to_string(elements) + " items";
  return shape_text(dims) + " = " + std::to_string(elements) + " items";
}

// The file's bytes after decompression. Compression is decided by the gzip magic
// (1f 8b), not the file name; a raw IDX file starts 00 00, so the two cannot be confused.
class ByteSource {
 public:
  explicit ByteSource(const std::string& path) : path_(path) {
    plain_ = std::fopen(path.c_str(), "rb");
    if (!plain_) throw Error(path + ": cannot open: " + std::strerror(errno));
    uint8_t magic[2] = {0, 0};
    const size_t got = std::fread(magic, 1, 2, plain_);
    if (got < 2 && std::ferror(plain_)) {
      const std::string reason = std::strerror(errno);
      std::fclose(plain_);  // the destructor does not run for a throwing constructor
      throw Error(path + ": cannot read: " + reason);
    }
    if (got == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
      std::fclose(plain_);
      plain_ = nullptr;
      gz_ = gzopen(path.c_str(), "rb");
      if (!gz_) throw Error(path + ": cannot open: " + std::strerror(errno));
      gzbuffer(gz_, 1 << 17);
    } else {
      std::rewind(plain_);
    }
  }
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;
  ~ByteSource() {
    if (plain_) std::fclose(plain_);
    if (gz_) gzclose(gz_);
  }

  // Fills up to n bytes; a short count means the data ended. Damage throws.
  size_t read(uint8_t* out, size_t n) {
    if (plain_) {
      const size_t got = std::fread(out, 1, n, plain_);
      if (got < n && std::ferror(plain_)) throw Error(path_ + ": cannot read: " + std::strerror(errno));
      return got;
    }
    size_t total = 0;
    while (total < n) {
      const unsigned request = static_cast<unsigned>(std::min(n - total, kChunk));
      const int got = gzread(gz_, out + total, request);
      if (got < 0) fail_gzip();
      total += static_cast<size_t>(got);
      if (static_cast<unsigned>(got) < request) break;
    }
    // A stream cut short is not an error for gzread (it returns what it has and records
    // Z_BUF_ERROR), so a short read must consult the error state.
    if (total < n) {
      int errnum = Z_OK;
      gzerror(gz_, &errnum);
      if (errnum != Z_OK) fail_gzip();
    }
    return total;
  }

 private:
  [[noreturn]] void fail_gzip() {
    int errnum = Z_OK;
    std::string reason = gzerror(gz_, &errnum);
    if (errnum == Z_ERRNO) reason = std::strerror(errno);
    // zlib prefixes its message with the path, which ours already starts with.
    if (reason.compare(0, path_.size() + 2, path_ + ": ") == 0) reason.erase(0, path_.size() + 2);
    throw Error(path_ + ": corrupt gzip data: " + reason);
  }

  std::string path_;
  FILE* plain_ = nullptr;
  gzFile gz_ = nullptr;
};

std::vector<uint32_t> read_header(ByteSource& in, const std::string& path) {
  uint8_t magic[4];
  const size_t got = in.read(magic, 4);
  if (got == 0) throw Error(path + ": empty file: expected an IDX header");
  if (got < 4) throw Error(path + ": truncated header: expected 4 magic bytes, file holds " + std::to_string(got));
  if (magic[0] != 0 || magic[1] != 0)
    throw Error(path + ": not an IDX file: expected magic 00 00 08 0N, got " + hex_bytes(magic, 4));
  if (magic[2] != 0x08)
    throw Error(path + ": unsupported IDX element type 0x" + hex_bytes(magic + 2, 1) +
                ": expected 0x08 (unsigned byte)");
  const size_t rank = magic[3];
  if (rank < 1 || rank > 4)
    throw Error(path + ": IDX header says " + std::to_string(rank) + " dimensions: expected 1 to 4");

  uint8_t raw[16];
  const size_t dim_bytes = in.read(raw, 4 * rank);
  if (dim_bytes < 4 * rank)
    throw Error(path + ": truncated header: expected " + std::to_string(rank) + " dimension sizes (" +
                std::to_string(4 * rank) + " bytes), file holds " + std::to_string(dim_bytes));
  std::vector<uint32_t> dims(rank);
  for (size_t d = 0; d < rank; ++d) {
    const uint8_t* b = raw + 4 * d;
    dims[d] = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | uint32_t{b[3]};
    if (dims[d] == 0) throw Error(path + ": dimension " + std::to_string(d) + " is 0: expected a nonzero size");
  }
  return dims;
}

}  // namespace

std::string shape_text(const std::vector<uint32_t>& dims) {
  std::string shape;
  for (size_t i = 0; i < dims.size(); ++i) shape += (i ? "x" : "") + std::to_string(dims[i]);
  return shape;
}

IdxArray read_idx(const std::string& path) {
  ByteSource in(path);
  IdxArray array;
  array.dims = read_header(in, path);

  const uint64_t elements = capped_elements(array.dims);
  if (elements > kMaxElements)
    throw Error(path + ": IDX header says " + shape_text(array.dims) + ": expected at most " +
                std::to_string(kMaxElements) + " items in total");

  // Grown chunk by chunk rather than sized from the header, so a header that lies about
  // a tiny file costs one chunk of memory, not gigabytes.
  size_t held = 0;
  while (held < elements) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(elements - held, kChunk));
    array.data.resize(held + want);
    const size_t got = in.read(array.data.data() + held, want);
    held += got;
    if (got < want) break;
  }
  if (held < elements)
    throw Error(path + ": truncated: header says " + describe_shape(array.dims, elements) + ", file holds " +
                std::to_string(held) + " bytes of data");

  uint64_t extra = 0;
  std::vector<uint8_t> scratch(kChunk);
  for (size_t got; extra <= kMaxTrailingCounted && (got = in.read(scratch.data(), scratch.size())) > 0;) extra += got;
  if (extra > kMaxTrailingCounted)
    throw Error(path + ": trailing bytes: header says " + describe_shape(array.dims, elements) +
                ", file holds at least " + std::to_string(extra) + " more bytes of data");
  if (extra > 0)
    throw Error(path + ": trailing bytes: header says " + describe_shape(array.dims, elements) + ", file holds " +
                std::to_string(elements + extra) + " bytes of data (" + std::to_string(extra) + " extra)");
  return array;
}

void write_idx_gz(const std::string& path, const std::vector<uint32_t>& dims, const std::vector<uint8_t>& data) {
  if (dims.empty() || dims.size() > 4)
    throw Error(path + ": cannot write IDX with " + std::to_string(dims.size()) + " dimensions: expected 1 to 4");
  const uint64_t elements = capped_elements(dims);
  if (elements == 0 || elements > kMaxElements || elements != data.size())
    throw Error(path + ": cannot write IDX: dimensions " + shape_text(dims) + " do not describe the " +
                std::to_string(data.size()) + " items given");

  std::vector<uint8_t> header = {0, 0, 0x08, static_cast<uint8_t>(dims.size())};
  for (uint32_t d : dims)
    for (int shift = 24; shift >= 0; shift -= 8) header.push_back(static_cast<uint8_t>(d >> shift));

  const std::string temporary = path + ".tmp";
  gzFile out = gzopen(temporary.c_str(), "wb6");
  if (!out) throw Error(temporary + ": cannot write: " + std::strerror(errno));
  bool ok = gzwrite(out, header.data(), static_cast<unsigned>(header.size())) == static_cast<int>(header.size());
  for (size_t at = 0; ok && at < data.size(); at += kChunk) {
    const unsigned len = static_cast<unsigned>(std::min(data.size() - at, kChunk));
    ok = gzwrite(out, data.data() + at, len) == static_cast<int>(len);
  }
  ok = (gzclose(out) == Z_OK) && ok;
  if (!ok) {
    std::remove(temporary.c_str());
    throw Error(temporary + ": cannot write compressed data (disk full?)");
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    std::remove(temporary.c_str());
    throw Error("cannot rename '" + temporary + "' to '" + path + "': " + reason);
  }
}

}  // namespace mx
