#include "hw/energy_ledger.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "common/error.h"

namespace mx {

namespace {
constexpr Phase kPhases[] = {Phase::inference, Phase::learning};
}  // namespace

int64_t to_attojoules(double pj) {
  // 9.2e12 aJ: int64's range with a margin llround's rounding cannot cross.
  constexpr double kMaxPj = 9.2e12;
  if (!(std::fabs(pj) <= kMaxPj)) throw Error("energy ledger: a charge of " + std::to_string(pj) +
                                              " pJ is outside the ledger's range of +-9.2e12 pJ");
  return std::llround(pj * 1e6);
}

void EnergyLedger::overflow(ComponentId id, const std::string& what) const {
  throw Error("energy ledger: " + what + " of '" + component_name(id) +
              "' overflows the ledger's 64-bit attojoules (9.2e12 pJ): the tech entry's energy_pj is too large "
              "for this run");
}

const char* phase_name(Phase phase) {
  switch (phase) {
    case Phase::inference: return "inference";
    case Phase::learning: return "learning";
  }
  return "?";
}

int64_t EnergyTally::component_aj(ComponentId id) const {
  int64_t sum = 0;
  for (Phase phase : kPhases) sum += aj(id, phase);
  return sum;
}

int64_t EnergyTally::phase_aj(Phase phase) const {
  int64_t sum = 0;
  for (size_t id = 0; id < component_count(); ++id) sum += aj_[slot(static_cast<ComponentId>(id), phase)];
  return sum;
}

uint64_t EnergyTally::operations(ComponentId id) const {
  uint64_t sum = 0;
  for (Phase phase : kPhases) sum += operations(id, phase);
  return sum;
}

EnergyTally EnergyTally::operator-(const EnergyTally& earlier) const {
  EnergyTally difference = *this;
  const size_t shared = std::min(earlier.aj_.size(), aj_.size());
  for (size_t s = 0; s < shared; ++s) {
    difference.aj_[s] -= earlier.aj_[s];
    difference.operations_[s] -= earlier.operations_[s];
    difference.quantity_[s] -= earlier.quantity_[s];
  }
  difference.total_aj_ -= earlier.total_aj_;
  return difference;
}

ComponentId EnergyLedger::add_component(std::string name) {
  if (std::find(names_.begin(), names_.end(), name) != names_.end()) {
    throw Error("energy ledger: component '" + name + "' is registered twice");
  }
  names_.push_back(std::move(name));
  aj_.resize(names_.size() * kPhaseCount, 0);
  operations_.resize(names_.size() * kPhaseCount, 0);
  quantity_.resize(names_.size() * kPhaseCount, 0);
  by_quantity_.resize(names_.size(), 0);
  return static_cast<ComponentId>(names_.size() - 1);
}

ComponentId EnergyLedger::component(const std::string& name) const {
  auto found = std::find(names_.begin(), names_.end(), name);
  if (found == names_.end()) throw Error("energy ledger: no component '" + name + "'");
  return static_cast<ComponentId>(found - names_.begin());
}

void EnergyLedger::reset() {
  std::fill(aj_.begin(), aj_.end(), 0);
  std::fill(operations_.begin(), operations_.end(), 0);
  std::fill(quantity_.begin(), quantity_.end(), 0);
  total_aj_ = 0;
}

nlohmann::json EnergyLedger::to_json(const EnergyTally& tally) const {
  nlohmann::json by_component = nlohmann::json::object();
  nlohmann::json by_component_phase = nlohmann::json::object();
  nlohmann::json operations = nlohmann::json::object();
  for (size_t i = 0; i < tally.component_count() && i < names_.size(); ++i) {
    const auto id = static_cast<ComponentId>(i);
    by_component[names_[i]] = tally.component_pj(id);
    operations[names_[i]] = tally.operations(id);
    for (Phase phase : kPhases) by_component_phase[names_[i]][phase_name(phase)] = tally.pj(id, phase);
  }
  nlohmann::json by_phase = nlohmann::json::object();
  for (Phase phase : kPhases) by_phase[phase_name(phase)] = tally.phase_pj(phase);
  return {{"total", tally.total_pj()},
          {"total_aj", tally.total_aj()},
          {"by_component", by_component},
          {"by_phase", by_phase},
          {"by_component_phase", by_component_phase},
          {"operations", operations}};
}

}  // namespace mx
