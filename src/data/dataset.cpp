#include "data/dataset.h"

#include <filesystem>

#include "common/error.h"
#include "data/dataset_cache.h"
#include "data/idx.h"

namespace mx {
namespace {

namespace fs = std::filesystem;

std::string find_file(const std::string& dir, const std::string& base) {
  const fs::path gz = fs::path(dir) / (base + ".gz");
  const fs::path raw = fs::path(dir) / base;
  if (fs::exists(gz)) return gz.string();
  if (fs::exists(raw)) return raw.string();
  throw Error(dir + ": missing " + base + " (looked for " + base + ".gz and " + base + ")");
}

struct Split {
  IdxArray images, labels;
  std::string images_path;
};

// `prefix` is "train" or "t10k", the file-name stems of the MNIST distribution.
Split load_split(const std::string& dir, const std::string& prefix) {
  Split split;
  split.images_path = find_file(dir, prefix + "-images-idx3-ubyte");
  const std::string labels_path = find_file(dir, prefix + "-labels-idx1-ubyte");
  split.images = read_idx(split.images_path);
  split.labels = read_idx(labels_path);
  if (split.images.dims.size() != 3)
    throw Error(split.images_path + ": expected 3 dimensions (images x rows x cols), got " +
                std::to_string(split.images.dims.size()) + " (" + shape_text(split.images.dims) + ")");
  if (split.labels.dims.size() != 1)
    throw Error(labels_path + ": expected 1 dimension (labels), got " + std::to_string(split.labels.dims.size()) +
                " (" + shape_text(split.labels.dims) + ")");
  if (split.labels.dims[0] != split.images.dims[0])
    throw Error(labels_path + ": holds " + std::to_string(split.labels.dims[0]) + " labels but " +
                split.images_path + " holds " + std::to_string(split.images.dims[0]) +
                " images: expected equal counts");
  for (size_t i = 0; i < split.labels.data.size(); ++i)
    if (split.labels.data[i] > 9)
      throw Error(labels_path + ": label " + std::to_string(split.labels.data[i]) + " at index " + std::to_string(i) +
                  ": expected 0..9");
  return split;
}

std::string folder_name(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return fs::path(dir).filename().string();
}

}  // namespace

Dataset load_dataset(const std::string& dir, const std::string& name) {
  return load_dataset_cached(dir, name, default_dataset_cache());
}

std::vector<std::string> dataset_files(const std::string& dir) {
  if (!fs::is_directory(dir)) throw Error(dir + ": no such folder (expected the dataset's IDX files there)");
  std::vector<std::string> files;
  for (const char* prefix : {"train", "t10k"})
    for (const char* kind : {"-images-idx3-ubyte", "-labels-idx1-ubyte"}) files.push_back(find_file(dir, prefix + std::string(kind)));
  return files;
}

std::string dataset_name(const std::string& dir, const std::string& name) { return name.empty() ? folder_name(dir) : name; }

Dataset load_dataset_from_idx(const std::string& dir, const std::string& name) {
  if (!fs::is_directory(dir)) throw Error(dir + ": no such folder (expected the dataset's IDX files there)");
  Split train = load_split(dir, "train");
  Split test = load_split(dir, "t10k");
  const auto& shape = train.images.dims;
  if (test.images.dims[1] != shape[1] || test.images.dims[2] != shape[2])
    throw Error(test.images_path + ": images are " + std::to_string(test.images.dims[1]) + "x" +
                std::to_string(test.images.dims[2]) + " but " + train.images_path + " holds " +
                std::to_string(shape[1]) + "x" + std::to_string(shape[2]) + ": expected the same size");

  Dataset data;
  data.name = dataset_name(dir, name);
  data.rows = shape[1];
  data.cols = shape[2];
  data.train_images = std::move(train.images.data);
  data.train_labels = std::move(train.labels.data);
  data.test_images = std::move(test.images.data);
  data.test_labels = std::move(test.labels.data);
  return data;
}

}  // namespace mx
