// The command line's front door: every subcommand answers --help (usage, options, an
// example) with exit 0; `presets` lists the shipped configs; `config --defaults` gives each
// key a type, prints integer bounds as integers, and its table has the promised columns.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include <nlohmann/json.hpp>

#include "support/cli_harness.h"

namespace {

using mx::testing_support::Outcome;
Outcome metaxbar(const std::string& args) { return mx::testing_support::run_metaxbar(args); }

}  // namespace

TEST(CliFront, EverySubcommandAnswersHelp) {
  // The names come from the dispatcher's own table (`metaxbar --commands`): a subcommand
  // added there is asked here too.
  const Outcome listing = metaxbar("--commands");
  ASSERT_EQ(listing.exit_code, 0) << listing.output;
  std::vector<std::string> commands;
  std::istringstream lines(listing.output);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) commands.push_back(line);
  for (const char* expected : {"run", "config", "sweep", "sweep merge", "report", "recost", "presets", "device fit",
                               "device simulate"})
    EXPECT_NE(std::find(commands.begin(), commands.end(), expected), commands.end()) << expected;
  for (const std::string& command : commands) {
    for (const std::string flag : {"--help", "-h"}) {
      const Outcome outcome = metaxbar(command + " " + flag);
      EXPECT_EQ(outcome.exit_code, 0) << command << " " << flag << ": " << outcome.output;
      EXPECT_NE(outcome.output.find("usage:"), std::string::npos) << command << ": " << outcome.output;
      EXPECT_NE(outcome.output.find("example"), std::string::npos) << command << ": " << outcome.output;
      EXPECT_NE(outcome.output.find("metaxbar " + command), std::string::npos) << command << ": " << outcome.output;
      EXPECT_NE(outcome.output.find("help"), std::string::npos) << command << " lists no options: " << outcome.output;
      EXPECT_EQ(outcome.output.find("error"), std::string::npos) << command << ": " << outcome.output;
    }
  }
  // --help after other arguments is still help, not a missing file.
  EXPECT_EQ(metaxbar("run no_such.json --help").exit_code, 0);
  EXPECT_EQ(metaxbar("device fit no_such.csv --help").exit_code, 0);
}

TEST(CliFront, PresetsListsEveryShippedConfigWithItsDescription) {
  const Outcome outcome = metaxbar("presets");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  for (const char* name : {"paper/split_mnist_prob_nmem7.json", "chip/split_fmnist_chip.json", "sweeps/adc_bits.json"})
    EXPECT_NE(outcome.output.find(name), std::string::npos) << name;
  EXPECT_NE(outcome.output.find("ADC resolution: adc.bits"), std::string::npos);  // adc_bits.json's description
  EXPECT_NE(metaxbar("presets --dir /nonexistent").exit_code, 0);
}

TEST(CliFront, DefaultsCarryTypeAndIntegerBounds) {
  const Outcome outcome = metaxbar("config --defaults");
  ASSERT_EQ(outcome.exit_code, 0);
  EXPECT_EQ(outcome.output.find("e+15"), std::string::npos);
  const auto listing = nlohmann::json::parse(outcome.output);
  for (const auto& entry : listing) {
    ASSERT_TRUE(entry.contains("type")) << entry.dump();
    if (entry["type"] == "integer" && entry.contains("max")) EXPECT_TRUE(entry["max"].is_number_integer()) << entry.dump();
    if (entry["key"] == "seed") EXPECT_EQ(entry["max"], 9007199254740992LL);
    if (entry["key"] == "clock.frequency_hz") EXPECT_EQ(entry["unit"], "Hz");
  }
}

TEST(CliFront, DefaultsTableHasTheColumnsAndFiltersByPrefix) {
  const Outcome table = metaxbar("config --defaults --format table --keys adc,tile.rows");
  ASSERT_EQ(table.exit_code, 0) << table.output;
  EXPECT_EQ(table.output.rfind("key ", 0), 0u);
  for (const char* column : {"type", "default", "range", "unit", "meaning"})
    EXPECT_NE(table.output.find(column), std::string::npos) << column;
  EXPECT_NE(table.output.find("adc.bits"), std::string::npos);
  EXPECT_NE(table.output.find("[0, 16]"), std::string::npos);
  EXPECT_NE(table.output.find("tile.rows"), std::string::npos);
  EXPECT_EQ(table.output.find("tile.cols"), std::string::npos);
  EXPECT_EQ(table.output.find("rule.kind"), std::string::npos);
  const Outcome markdown = metaxbar("config --defaults --format markdown --keys rng.kind");
  EXPECT_NE(markdown.output.find("| `rng.kind` | string | ideal |"), std::string::npos) << markdown.output;
  const Outcome bad = metaxbar("config --defaults --format xml");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.output.find("--format: expected json, table or markdown, got 'xml'"), std::string::npos) << bad.output;
}
