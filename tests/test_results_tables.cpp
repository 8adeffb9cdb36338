// README's result tables are copies of docs/results.md's marked blocks (tools/reproduce_all.py
// writes both from one run): a table edited by hand, or left over from older code, fails here.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Every "<!-- results:NAME -->\n...<!-- /results:NAME -->" block, by name.
std::map<std::string, std::string> blocks(const std::string& text, const std::string& file) {
  std::map<std::string, std::string> found;
  const std::string open = "<!-- results:", close = " -->\n";
  for (size_t at = text.find(open); at != std::string::npos; at = text.find(open, at + 1)) {
    const size_t name_end = text.find(close, at);
    if (name_end == std::string::npos) {
      ADD_FAILURE() << file << ": an unterminated block marker at offset " << at;
      break;
    }
    const std::string name = text.substr(at + open.size(), name_end - at - open.size());
    const std::string end_marker = "<!-- /results:" + name + " -->";
    const size_t body = name_end + close.size(), end = text.find(end_marker, body);
    if (end == std::string::npos) {
      ADD_FAILURE() << file << ": block '" << name << "' has no " << end_marker;
      break;
    }
    EXPECT_EQ(found.count(name), 0u) << file << ": block '" << name << "' appears twice";
    found[name] = text.substr(body, end - body);
  }
  return found;
}

}  // namespace

TEST(ResultsTables, ReadmeEqualsDocsResults) {
  const std::string docs_path = std::string(MX_SOURCE_DIR) + "/docs/results.md";
  const std::string readme_path = std::string(MX_SOURCE_DIR) + "/README.md";
  const auto docs = blocks(read_text(docs_path), docs_path);
  const auto readme = blocks(read_text(readme_path), readme_path);
  for (const char* name : {"table1", "system_b", "update_energy"})
    EXPECT_EQ(docs.count(name), 1u) << "docs/results.md has no block '" << name << "'";
  for (const auto& [name, body] : docs) {
    const auto it = readme.find(name);
    ASSERT_NE(it, readme.end()) << "README.md has no block '" << name << "' (run tools/reproduce_all.py --readme-only)";
    EXPECT_EQ(it->second, body) << "README.md's block '" << name
                                << "' differs from docs/results.md's (run tools/reproduce_all.py --readme-only)";
  }
  for (const auto& entry : readme)
    EXPECT_EQ(docs.count(entry.first), 1u) << "README.md's block '" << entry.first << "' is not in docs/results.md";
}
