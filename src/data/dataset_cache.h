#pragma once
// Decoded datasets kept on disk: gunzipping Fashion-MNIST's 30 MB of IDX files takes about
// a second, paid by every run and every sweep point. The first load writes the decoded
// pixels and labels to one uncompressed file under the cache folder; later loads map that
// file and copy it out, which takes milliseconds. The file records the path, size and
// modification time of each of the four source files, and is rebuilt when any of them
// changes (or when it is damaged or from another format version).
#include <cstdint>
#include <string>

#include "data/dataset.h"

namespace mx {

struct DatasetCacheOptions {
  std::string dir;               // the cache folder; empty = no cache
  uint64_t min_source_bytes = 1 << 20;  // smaller datasets load as fast as the cache; not worth a file
};

// $METAXBAR_DATA_CACHE if set ("off" or "" disables the cache), else $XDG_CACHE_HOME/metaxbar,
// else $HOME/.cache/metaxbar, else no cache.
DatasetCacheOptions default_dataset_cache();

enum class CacheUse { off, hit, built };

// load_dataset through the cache. A cache that cannot be written (read-only folder, full
// disk) is skipped silently: the cache saves time, it never changes a result or fails a run.
Dataset load_dataset_cached(const std::string& dir, const std::string& name, const DatasetCacheOptions& options,
                            CacheUse* use = nullptr);

// The cache file that stands for `dir` under `options.dir`.
std::string dataset_cache_path(const std::string& dir, const DatasetCacheOptions& options);

}  // namespace mx
