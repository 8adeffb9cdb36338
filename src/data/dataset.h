#pragma once
// A labelled image dataset in the MNIST layout: 8-bit grey images, labels 0..9, a train
// and a test split. Held in memory as loaded, one byte per pixel; the encoder scales.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mx {

// Read-only bytes that either own their storage or view a mapped file (the dataset cache
// maps its file instead of copying 55 MB into fresh memory, which alone costs ~0.5 s on a
// virtual machine). Copies share the storage.
class ByteBuffer {
 public:
  ByteBuffer() = default;
  ByteBuffer(std::vector<uint8_t> bytes)  // NOLINT: implicit, so `images = vector` reads naturally
      : owner_(std::make_shared<const std::vector<uint8_t>>(std::move(bytes))),
        data_(static_cast<const std::vector<uint8_t>*>(owner_.get())->data()),
        size_(static_cast<const std::vector<uint8_t>*>(owner_.get())->size()) {}
  // `owner` keeps the storage of [data, data + size) alive (a mapping, say).
  ByteBuffer(std::shared_ptr<const void> owner, const uint8_t* data, size_t size)
      : owner_(std::move(owner)), data_(data), size_(size) {}

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const uint8_t* begin() const { return data_; }
  const uint8_t* end() const { return data_ + size_; }
  uint8_t operator[](size_t i) const { return data_[i]; }

 private:
  std::shared_ptr<const void> owner_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

struct Dataset {
  std::string name;  // "mnist", "fashion_mnist", or the folder's name
  uint32_t rows = 0, cols = 0;
  ByteBuffer train_images, test_images;          // row-major, rows*cols bytes each
  std::vector<uint8_t> train_labels, test_labels;

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
// Decoded copies are kept in the dataset cache (data/dataset_cache.h) for later runs.
Dataset load_dataset(const std::string& dir, const std::string& name);

// load_dataset without the cache: always reads and checks the IDX files.
Dataset load_dataset_from_idx(const std::string& dir, const std::string& name);

// The four files load_dataset reads from `dir` (".gz" preferred), with its errors for a
// missing folder or file.
std::vector<std::string> dataset_files(const std::string& dir);

// `name`, or the folder's name when it is empty.
std::string dataset_name(const std::string& dir, const std::string& name);

}  // namespace mx
