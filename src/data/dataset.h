#pragma once
// A labelled image dataset in the MNIST layout: 8-bit grey images, labels 0..9, a train
// and a test split. Held in memory as loaded, one byte per pixel; the encoder scales.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mx {

struct Dataset {
  std::string name;  // "mnist", "fashion_mnist", or the folder's name
  uint32_t rows = 0, cols = 0;
  std::vector<uint8_t> train_images, train_labels, test_images, test_labels;  // images row-major, rows*cols bytes each

  size_t pixels() const { return size_t{rows} * cols; }
  size_t train_size() const { return train_labels.size(); }
  size_t test_size() const { return test_labels.size(); }
  const uint8_t* train_image(size_t i) const { return train_images.data() + i * pixels(); }
  const uint8_t* test_image(size_t i) const { return test_images.data() + i * pixels(); }
};

// Loads train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and
// t10k-labels-idx1-ubyte from `dir`, each gzip-compressed (".gz", preferred) or raw.
// An empty `name` takes the folder's name. Throws mx::Error naming the file when one is
// missing or malformed, when image and label counts disagree, when the splits' image
// sizes differ, or when a label is not 0..9.
Dataset load_dataset(const std::string& dir, const std::string& name);

}  // namespace mx
