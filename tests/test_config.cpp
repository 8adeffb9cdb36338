#include <gtest/gtest.h>

#include <fstream>

#include "common/error.h"
#include "config/config.h"
#include "support/error_of.h"

using mx::Config;
using mx::json;

namespace {

using mx::testing_support::error_of;

}  // namespace

TEST(Config, DefaultsCoverEverySchemaKey) {
  Config config;
  for (const auto& key : mx::run_schema().keys()) EXPECT_EQ(config.at(key.path), key.default_value) << key.path;
  EXPECT_EQ(config.get_string("rule.kind"), "prob_meta");
  EXPECT_EQ(config.get_uint("device.n_mem"), 7u);
}

TEST(Config, UserValuesOverrideDefaultsAndKeepTheRest) {
  const Config config = Config::from_json(json{{"device", {{"n_mem", 2}}}, {"seed", 9}}, "test.json");
  EXPECT_EQ(config.get_uint("device.n_mem"), 2u);
  EXPECT_EQ(config.get_uint("seed"), 9u);
  EXPECT_DOUBLE_EQ(config.get_double("device.w_max_output"), 1.5);
}

TEST(Config, UnknownKeyNamesPathAndSuggestsNearest) {
  const std::string message =
      error_of([] { Config::from_json(json{{"tile", {{"rowz", 64}}}}, "my.json"); });
  EXPECT_NE(message.find("my.json"), std::string::npos) << message;
  EXPECT_NE(message.find("unknown key 'tile.rowz'"), std::string::npos) << message;
  EXPECT_NE(message.find("did you mean 'tile.rows'"), std::string::npos) << message;
}

TEST(Config, WrongTypeNamesPathExpectedAndGot) {
  const std::string message = error_of([] { Config::from_json(json{{"device", {{"n_mem", "seven"}}}}, "c.json"); });
  EXPECT_NE(message.find("'device.n_mem'"), std::string::npos) << message;
  EXPECT_NE(message.find("expected an integer"), std::string::npos) << message;
  EXPECT_NE(message.find("\"seven\""), std::string::npos) << message;
}

TEST(Config, NegativeSizeIsOutOfRange) {
  const std::string message = error_of([] { Config::from_json(json{{"data", {{"train_samples", -5}}}}, "c.json"); });
  EXPECT_NE(message.find("'data.train_samples'"), std::string::npos) << message;
  EXPECT_NE(message.find("in [0,"), std::string::npos) << message;
  EXPECT_NE(message.find("-5"), std::string::npos) << message;
}

TEST(Config, NonIntegralIntegerRejected) {
  EXPECT_NE(error_of([] { Config::from_json(json{{"network", {{"hidden", 2.5}}}}, "c"); }).find("integer"),
            std::string::npos);
}

TEST(Config, ChoicesListed) {
  const std::string message = error_of([] { Config::from_json(json{{"rule", {{"kind", "magic"}}}}, "c"); });
  EXPECT_NE(message.find("prob_meta | grad_acc | none"), std::string::npos) << message;
}

TEST(Config, SectionMustBeObject) {
  EXPECT_NE(error_of([] { Config::from_json(json{{"rule", 3}}, "c"); }).find("is a section"), std::string::npos);
}

TEST(Config, SetParsesJsonOrString) {
  Config config;
  config.set("device.n_mem=2");
  config.set("rule.kind=grad_acc");
  config.set("task.pairs=[[0,1],[2,3]]");
  EXPECT_EQ(config.get_uint("device.n_mem"), 2u);
  EXPECT_EQ(config.get_string("rule.kind"), "grad_acc");
  EXPECT_EQ(config.at("task.pairs").size(), 2u);
  EXPECT_NE(error_of([&] { config.set("device.nmem=2"); }).find("did you mean 'device.n_mem'"), std::string::npos);
  EXPECT_NE(error_of([&] { config.set("nokey"); }).find("key=value"), std::string::npos);
}

TEST(Config, FileErrorsNameTheFile) {
  const std::string path = testing::TempDir() + "/bad_config.json";
  std::ofstream(path) << "{ \"seed\": 1, ";
  const std::string message = error_of([&] { Config::from_file(path); });
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("not valid JSON"), std::string::npos) << message;
  EXPECT_NE(error_of([] { Config::from_file("/nonexistent/x.json"); }).find("cannot open"), std::string::npos);
}

TEST(Config, EveryPresetLoads) {
  for (const char* name : {"split_mnist_prob_nmem1", "split_mnist_prob_nmem2", "split_mnist_prob_nmem7",
                           "split_mnist_gradacc_nmem7", "split_mnist_none_nmem7", "split_fmnist_prob_nmem1",
                           "split_fmnist_prob_nmem2", "split_fmnist_prob_nmem7", "split_fmnist_gradacc_nmem7",
                           "split_fmnist_none_nmem7"}) {
    const std::string path = std::string(MX_SOURCE_DIR) + "/configs/paper/" + name + ".json";
    EXPECT_NO_THROW(Config::from_file(path)) << path;
  }
}

// A service-life preset is its Table 1 preset deployed: the same rule, network and devices, plus
// drift and a schedule. A rule retuned in one and not the other would make the lifetime figures
// describe a baseline that Table 1 does not.
TEST(Config, LifePresetsTrainAsTheirPaperPresets) {
  for (const char* rule : {"prob", "none", "gradacc"}) {
    const std::string source = MX_SOURCE_DIR;
    const std::string life_path = source + "/configs/life/split_fmnist_" + rule + "_1y.json";
    const std::string paper_path = source + "/configs/paper/split_fmnist_" + rule + "_nmem7.json";
    const Config life = Config::from_file(life_path), paper = Config::from_file(paper_path);
    for (const char* section : {"rule", "network", "task", "data"})
      EXPECT_EQ(life.resolved().at(section), paper.resolved().at(section)) << life_path << " vs " << paper_path << ": " << section;
    for (const char* key : {"n_mem", "w_max_hidden", "w_max_output", "levels"})
      EXPECT_EQ(life.resolved().at("device").at(key), paper.resolved().at("device").at(key)) << life_path << ": device." << key;
  }
}
