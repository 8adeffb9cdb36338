// A stand-in for libFuzzer's main where clang is not used: replays every file of the corpus
// folders given, then -runs=N deterministic mutations of them (byte flips, insertions,
// deletions, repeated chunks, splices), seeded by -seed=S. Accepts libFuzzer's argument
// form, so ctest passes the same command line to both builds.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

struct Mutator {
  uint64_t state;
  uint64_t next() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  }
  size_t below(size_t n) { return n ? static_cast<size_t>(next() % n) : 0; }

  std::string mutate(std::string input, const std::vector<std::string>& corpus) {
    static const char* kTokens[] = {"[", "{", "}", "]", "\"", ",", ":", "1e400", "-1", "4294967296",
                                    "9007199254740993", "null", "true", "\xff", "0", "\n"};
    const size_t edits = 1 + below(4);
    for (size_t e = 0; e < edits; ++e) {
      const size_t at = below(input.size() + 1);
      switch (below(6)) {
        case 0:
          if (!input.empty()) input[below(input.size())] ^= static_cast<char>(1u << below(8));
          break;
        case 1: input.insert(at, kTokens[below(sizeof kTokens / sizeof *kTokens)]); break;
        case 2: input.erase(at, below(8)); break;
        case 3: {  // a repeated chunk: deep nesting, long values
          const std::string chunk = input.substr(at, 1 + below(4));
          std::string repeated;
          for (size_t k = below(200); k > 0; --k) repeated += chunk;
          input.insert(at, repeated);
          break;
        }
        case 4: {
          const std::string& other = corpus[below(corpus.size())];
          input.insert(at, other.substr(below(other.size() + 1), below(64)));
          break;
        }
        default:
          if (!input.empty()) input[below(input.size())] = static_cast<char>(next());
      }
    }
    return input;
  }
};

}  // namespace

int main(int argc, char** argv) {
  uint64_t runs = 0, seed = 1;
  std::vector<std::string> corpus;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("-runs=", 0) == 0) runs = std::strtoull(arg.c_str() + 6, nullptr, 10);
    else if (arg.rfind("-seed=", 0) == 0) seed = std::strtoull(arg.c_str() + 6, nullptr, 10);
    else if (arg.rfind("-", 0) == 0) continue;  // other libFuzzer flags
    else if (std::filesystem::is_directory(arg)) {
      for (const auto& entry : std::filesystem::directory_iterator(arg)) {
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        corpus.push_back(text.str());
      }
    }
  }
  if (corpus.empty()) corpus.push_back("");
  for (const auto& input : corpus)
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
  Mutator mutator{seed * 0x9e3779b97f4a7c15ull | 1};
  for (uint64_t r = 0; r < runs; ++r) {
    const std::string input = mutator.mutate(corpus[mutator.below(corpus.size())], corpus);
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
  }
  std::printf("standalone fuzz driver: %zu corpus inputs and %llu mutations, no finding\n", corpus.size(),
              static_cast<unsigned long long>(runs));
  return 0;
}
