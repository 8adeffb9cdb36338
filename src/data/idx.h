#pragma once
// IDX files (the MNIST family's format): a 4-byte magic (0, 0, element type, number of
// dimensions), one big-endian uint32 per dimension, then the elements row-major. Only
// unsigned-byte elements occur in the image datasets, so only those are supported.
// Files may be gzip-compressed; compression is recognised by its magic bytes, so a file
// named without ".gz" still loads.
#include <cstdint>
#include <string>
#include <vector>

namespace mx {

struct IdxArray {
  std::vector<uint32_t> dims;
  std::vector<uint8_t> data;  // row-major, size = product of dims
};

// Throws mx::Error naming the file and what is wrong (expected vs got) when the file is
// missing, not IDX, truncated, longer than its header says, or a damaged gzip stream.
IdxArray read_idx(const std::string& path);

// "60000x28x28", for messages.
std::string shape_text(const std::vector<uint32_t>& dims);

// Writes a gzip-compressed unsigned-byte IDX file via path + ".tmp" and a rename, so a
// reader never sees a half-written file under the final name.
void write_idx_gz(const std::string& path, const std::vector<uint32_t>& dims, const std::vector<uint8_t>& data);

}  // namespace mx
