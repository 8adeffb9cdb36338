// The decoded dataset cache: the first load writes it, the next reads it and gets the same
// bytes, a changed source file rebuilds it, a damaged cache file is rebuilt rather than
// misread, a bad source is still an error, and an unwritable cache folder only costs time.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "data/dataset_cache.h"
#include "data/idx.h"
#include "support/cli_harness.h"

namespace fs = std::filesystem;
using mx::CacheUse;

namespace {

std::vector<uint8_t> pattern(size_t n, uint8_t salt) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(i * 7 + salt);
  return v;
}

void write_dataset(const std::string& dir, uint8_t salt, uint32_t train = 40, uint32_t test = 10) {
  std::vector<uint8_t> train_labels(train), test_labels(test);
  for (uint32_t i = 0; i < train; ++i) train_labels[i] = i % 10;
  for (uint32_t i = 0; i < test; ++i) test_labels[i] = (i + salt) % 10;
  mx::write_idx_gz(dir + "/train-images-idx3-ubyte.gz", {train, 5, 4}, pattern(size_t{train} * 20, salt));
  mx::write_idx_gz(dir + "/train-labels-idx1-ubyte.gz", {train}, train_labels);
  mx::write_idx_gz(dir + "/t10k-images-idx3-ubyte.gz", {test, 5, 4}, pattern(size_t{test} * 20, salt + 1));
  mx::write_idx_gz(dir + "/t10k-labels-idx1-ubyte.gz", {test}, test_labels);
}

void expect_same(const mx::Dataset& a, const mx::Dataset& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.rows, b.rows);
  EXPECT_EQ(a.cols, b.cols);
  EXPECT_EQ(std::vector<uint8_t>(a.train_images.begin(), a.train_images.end()),
            std::vector<uint8_t>(b.train_images.begin(), b.train_images.end()));
  EXPECT_EQ(std::vector<uint8_t>(a.test_images.begin(), a.test_images.end()),
            std::vector<uint8_t>(b.test_images.begin(), b.test_images.end()));
  EXPECT_EQ(a.train_labels, b.train_labels);
  EXPECT_EQ(a.test_labels, b.test_labels);
}

struct Folders {
  std::string data, cache;
  mx::DatasetCacheOptions options;
  explicit Folders(const std::string& name) {
    const std::string root = mx::testing_support::fresh_temp_dir("dataset_cache", name);
    data = root + "/data";
    cache = root + "/cache";
    fs::create_directories(data);
    options.dir = cache;
    options.min_source_bytes = 0;  // the synthetic datasets are tiny
  }
};

}  // namespace

TEST(DatasetCache, SecondLoadReadsTheCacheAndGetsTheSameBytes) {
  Folders f("hit");
  write_dataset(f.data, 3);
  CacheUse first, second;
  const mx::Dataset built = mx::load_dataset_cached(f.data, "", f.options, &first);
  EXPECT_EQ(first, CacheUse::built);
  EXPECT_TRUE(fs::exists(mx::dataset_cache_path(f.data, f.options)));
  const mx::Dataset cached = mx::load_dataset_cached(f.data, "", f.options, &second);
  EXPECT_EQ(second, CacheUse::hit);
  expect_same(built, mx::load_dataset_from_idx(f.data, ""));
  expect_same(cached, built);
  EXPECT_EQ(cached.name, "data");
  EXPECT_EQ(mx::load_dataset_cached(f.data, "renamed", f.options).name, "renamed");
}

TEST(DatasetCache, AChangedSourceRebuildsTheCache) {
  Folders f("changed");
  write_dataset(f.data, 3);
  mx::load_dataset_cached(f.data, "x", f.options);
  write_dataset(f.data, 9);  // new contents (and a new modification time)
  CacheUse use;
  const mx::Dataset reloaded = mx::load_dataset_cached(f.data, "x", f.options, &use);
  EXPECT_EQ(use, CacheUse::built);
  expect_same(reloaded, mx::load_dataset_from_idx(f.data, "x"));
  EXPECT_EQ(reloaded.test_labels[0], 9);
}

TEST(DatasetCache, ADamagedCacheFileIsRebuilt) {
  Folders f("damaged");
  write_dataset(f.data, 3);
  mx::load_dataset_cached(f.data, "x", f.options);
  const std::string path = mx::dataset_cache_path(f.data, f.options);
  fs::resize_file(path, fs::file_size(path) - 5);
  CacheUse use;
  expect_same(mx::load_dataset_cached(f.data, "x", f.options, &use), mx::load_dataset_from_idx(f.data, "x"));
  EXPECT_EQ(use, CacheUse::built);
  mx::load_dataset_cached(f.data, "x", f.options, &use);
  EXPECT_EQ(use, CacheUse::hit);
}

TEST(DatasetCache, ABadSourceIsStillAnErrorAndMissingFilesAreNamed) {
  Folders f("bad");
  write_dataset(f.data, 3);
  mx::load_dataset_cached(f.data, "x", f.options);
  std::ofstream(f.data + "/t10k-labels-idx1-ubyte.gz", std::ios::trunc) << "not gzip";
  EXPECT_THROW(mx::load_dataset_cached(f.data, "x", f.options), mx::Error);
  fs::remove(f.data + "/t10k-labels-idx1-ubyte.gz");
  try {
    mx::load_dataset_cached(f.data, "x", f.options);
    FAIL() << "a missing file must be an error";
  } catch (const mx::Error& e) {
    EXPECT_NE(std::string(e.what()).find("t10k-labels-idx1-ubyte"), std::string::npos) << e.what();
  }
}

TEST(DatasetCache, AnUnwritableCacheFolderOnlyCostsTime) {
  Folders f("unwritable");
  write_dataset(f.data, 3);
  std::ofstream(f.cache) << "a file where the cache folder should be";
  CacheUse use;
  expect_same(mx::load_dataset_cached(f.data, "x", f.options, &use), mx::load_dataset_from_idx(f.data, "x"));
  EXPECT_EQ(use, CacheUse::built);
}

TEST(DatasetCache, SmallDatasetsAndDisabledCachesLoadDirectly) {
  Folders f("small");
  write_dataset(f.data, 3);
  mx::DatasetCacheOptions options = f.options;
  options.min_source_bytes = 1 << 20;
  CacheUse use;
  mx::load_dataset_cached(f.data, "x", options, &use);
  EXPECT_EQ(use, CacheUse::off);
  options.dir.clear();
  mx::load_dataset_cached(f.data, "x", options, &use);
  EXPECT_EQ(use, CacheUse::off);
  EXPECT_FALSE(fs::exists(f.cache));
}
