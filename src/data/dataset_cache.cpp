#include "data/dataset_cache.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "data/idx.h"

namespace mx {

namespace {

namespace fs = std::filesystem;

// Bumped whenever the layout below changes, so an old file is rebuilt, never misread.
constexpr char kMagic[8] = {'M', 'X', 'D', 'S', 'E', 'T', '0', '1'};

// The layout: header, then the four sources' stamps, then train images, train labels,
// test images, test labels, back to back (native byte order: the file never leaves the
// machine that wrote it).
struct Header {
  char magic[8];
  uint32_t rows, cols;
  uint64_t train_count, test_count;
  uint64_t stamp_bytes;
};

std::string source_stamps(const std::string& dir, uint64_t* total_bytes) {
  std::string stamps;
  *total_bytes = 0;
  for (const std::string& file : dataset_files(dir)) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) return "";
    const fs::path canonical = fs::weakly_canonical(file);
    stamps += canonical.string() + "\n" + std::to_string(st.st_size) + " " + std::to_string(st.st_mtim.tv_sec) + "." +
              std::to_string(st.st_mtim.tv_nsec) + "\n";
    *total_bytes += static_cast<uint64_t>(st.st_size);
  }
  return stamps;
}

// 64-bit FNV-1a: names the cache file after the folder it stands for.
uint64_t fnv1a(const std::string& text) {
  uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : text) hash = (hash ^ c) * 1099511628211ull;
  return hash;
}

// Maps the cache file into a Dataset when its stamps match (the images stay in the mapping,
// labels are copied); false otherwise.
bool read_cache(const std::string& path, const std::string& stamps, Dataset* data) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  const bool sized = ::fstat(fd, &st) == 0 && static_cast<size_t>(st.st_size) >= sizeof(Header);
  void* map = sized ? ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
  ::close(fd);
  if (map == MAP_FAILED) return false;
  const size_t size = static_cast<size_t>(st.st_size);
  const std::shared_ptr<const void> mapping(map, [size](const void* p) { ::munmap(const_cast<void*>(p), size); });
  const auto* bytes = static_cast<const uint8_t*>(map);
  Header h;
  std::memcpy(&h, bytes, sizeof h);
  const uint64_t pixels = uint64_t{h.rows} * h.cols;
  const uint64_t payload = h.train_count * (pixels + 1) + h.test_count * (pixels + 1);
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0 || h.stamp_bytes != stamps.size() ||
      size != sizeof h + h.stamp_bytes + payload || std::memcmp(bytes + sizeof h, stamps.data(), stamps.size()) != 0)
    return false;
  const uint8_t* at = bytes + sizeof h + h.stamp_bytes;
  data->rows = h.rows;
  data->cols = h.cols;
  data->train_images = ByteBuffer(mapping, at, h.train_count * pixels);
  at += h.train_count * pixels;
  data->train_labels.assign(at, at + h.train_count);
  at += h.train_count;
  data->test_images = ByteBuffer(mapping, at, h.test_count * pixels);
  at += h.test_count * pixels;
  data->test_labels.assign(at, at + h.test_count);
  return true;
}

// Written under a private name and renamed, so concurrent runs (a sweep's workers) never
// read a half-written file; any failure leaves no file behind.
void write_cache(const std::string& path, const std::string& stamps, const Dataset& data) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec) return;
  const std::string partial = path + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    if (!out) return;
    Header h{};
    std::memcpy(h.magic, kMagic, sizeof kMagic);
    h.rows = data.rows;
    h.cols = data.cols;
    h.train_count = data.train_size();
    h.test_count = data.test_size();
    h.stamp_bytes = stamps.size();
    out.write(reinterpret_cast<const char*>(&h), sizeof h);
    out.write(stamps.data(), static_cast<std::streamsize>(stamps.size()));
    auto put = [&](const uint8_t* bytes, size_t n) {
      out.write(reinterpret_cast<const char*>(bytes), static_cast<std::streamsize>(n));
    };
    put(data.train_images.data(), data.train_images.size());
    put(data.train_labels.data(), data.train_labels.size());
    put(data.test_images.data(), data.test_images.size());
    put(data.test_labels.data(), data.test_labels.size());
    out.flush();
    if (!out) {
      out.close();
      fs::remove(partial, ec);
      return;
    }
  }
  fs::rename(partial, path, ec);
  if (ec) fs::remove(partial, ec);
}

}  // namespace

DatasetCacheOptions default_dataset_cache() {
  DatasetCacheOptions options;
  if (const char* env = std::getenv("METAXBAR_DATA_CACHE")) {
    if (std::strcmp(env, "off") != 0) options.dir = env;
  } else if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    options.dir = std::string(xdg) + "/metaxbar";
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    options.dir = std::string(home) + "/.cache/metaxbar";
  }
  return options;
}

std::string dataset_cache_path(const std::string& dir, const DatasetCacheOptions& options) {
  const std::string canonical = fs::weakly_canonical(fs::absolute(dir)).string();
  char name[32];
  std::snprintf(name, sizeof name, "%016llx.mxds", static_cast<unsigned long long>(fnv1a(canonical)));
  return (fs::path(options.dir) / "datasets" / name).string();
}

Dataset load_dataset_cached(const std::string& dir, const std::string& name, const DatasetCacheOptions& options,
                            CacheUse* use) {
  if (use) *use = CacheUse::off;
  if (options.dir.empty()) return load_dataset_from_idx(dir, name);
  uint64_t source_bytes = 0;
  const std::string stamps = source_stamps(dir, &source_bytes);  // throws, as the loader would, on missing files
  if (stamps.empty() || source_bytes < options.min_source_bytes) return load_dataset_from_idx(dir, name);

  const std::string path = dataset_cache_path(dir, options);
  Dataset data;
  if (read_cache(path, stamps, &data)) {
    data.name = dataset_name(dir, name);
    if (use) *use = CacheUse::hit;
    return data;
  }
  data = load_dataset_from_idx(dir, name);
  write_cache(path, stamps, data);
  if (use) *use = CacheUse::built;
  return data;
}

}  // namespace mx
