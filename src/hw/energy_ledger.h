#pragma once
// Exact energy accounting. Every charge is converted once to an integer number of
// attojoules (1 pJ = 1e6 aJ, rounded to nearest), and everything after that is integer
// addition: the per-component sums equal the total bit for bit, per-phase sums too, and
// the per-sample rows of a run add up to the run's total exactly, in any order. Summing
// doubles would make all three drift apart in the last digits and reports disagree.
//
// Components are registered by name once; the hot path charges by id into a flat array.
#include <cassert>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mx {

using ComponentId = uint32_t;

enum class Phase : uint8_t { inference, learning };
constexpr size_t kPhaseCount = 2;
const char* phase_name(Phase phase);

// pJ -> aJ, the single rounding step of the ledger. |pj| up to 9.2e12 pJ (9.2 J) fits int64
// aJ; larger is mx::Error rather than llround's undefined result.
int64_t to_attojoules(double pj);
inline double to_picojoules(int64_t aj) { return static_cast<double>(aj) / 1e6; }

// Energy and operation counts per (component, phase): what the ledger holds now, and what
// a snapshot keeps. `later - earlier` is the energy spent in between (a per-sample row).
class EnergyTally {
 public:
  int64_t total_aj() const { return total_aj_; }
  int64_t component_aj(ComponentId id) const;
  int64_t phase_aj(Phase phase) const;
  int64_t aj(ComponentId id, Phase phase) const { return id < component_count() ? aj_[slot(id, phase)] : 0; }

  double total_pj() const { return to_picojoules(total_aj()); }
  double component_pj(ComponentId id) const { return to_picojoules(component_aj(id)); }
  double phase_pj(Phase phase) const { return to_picojoules(phase_aj(phase)); }
  double pj(ComponentId id, Phase phase) const { return to_picojoules(aj(id, phase)); }

  // Operations charged (a charge of `count` operations counts `count`).
  uint64_t operations(ComponentId id) const;
  uint64_t operations(ComponentId id, Phase phase) const {
    return id < component_count() ? operations_[slot(id, phase)] : 0;
  }

  // A priced quantity other than the operation count, for a component whose energy per
  // operation is not constant: the crossbar's reads cost V^2 G t, so it records the
  // conductance it read (whole uS) and is re-priced per uS. priced_count is that quantity for
  // such a component and the operation count for the others.
  uint64_t quantity(ComponentId id, Phase phase) const {
    return id < component_count() ? quantity_[slot(id, phase)] : 0;
  }
  bool priced_by_quantity(ComponentId id) const { return id < component_count() && by_quantity_[id]; }
  uint64_t priced_count(ComponentId id, Phase phase) const {
    return priced_by_quantity(id) ? quantity(id, phase) : operations(id, phase);
  }

  size_t component_count() const { return aj_.size() / kPhaseCount; }

  // Components registered after `earlier` was taken count from zero.
  EnergyTally operator-(const EnergyTally& earlier) const;

 protected:
  static size_t slot(ComponentId id, Phase phase) {
    return static_cast<size_t>(id) * kPhaseCount + static_cast<size_t>(phase);
  }
  std::vector<int64_t> aj_;
  std::vector<uint64_t> operations_;
  std::vector<uint64_t> quantity_;
  std::vector<uint8_t> by_quantity_;  // per component
  int64_t total_aj_ = 0;
};

class EnergyLedger : public EnergyTally {
 public:
  // Names must be unique (mx::Error otherwise): two blocks sharing a name would merge
  // silently in every report.
  ComponentId add_component(std::string name);
  const std::string& component_name(ComponentId id) const { return names_.at(id); }
  // The id of a registered name, or mx::Error.
  ComponentId component(const std::string& name) const;

  // `attojoules` for `count` operations together.
  // The sums are checked: int64 attojoules hold 9.2e12 pJ in all, and a run past that is an
  // error naming the component (its tech entry), never a wrapped negative energy.
  void charge(ComponentId id, Phase phase, int64_t attojoules, uint64_t count = 1) {
    assert(id < component_count());
    const size_t s = slot(id, phase);
    int64_t slot_sum = 0, total = 0;
    uint64_t operations = 0;
    if (__builtin_add_overflow(aj_[s], attojoules, &slot_sum) ||
        __builtin_add_overflow(total_aj_, attojoules, &total) ||
        __builtin_add_overflow(operations_[s], count, &operations))
      overflow(id, "the energy sum");
    aj_[s] = slot_sum;
    operations_[s] = operations;
    total_aj_ = total;
  }
  // `count` operations of `pj` each: count x llround(pj * 1e6) aJ.
  void charge_pj(ComponentId id, Phase phase, double pj, uint64_t count = 1) {
    int64_t attojoules = 0;
    if (count > static_cast<uint64_t>(INT64_MAX) ||
        __builtin_mul_overflow(to_attojoules(pj), static_cast<int64_t>(count), &attojoules))
      overflow(id, "one charge (" + std::to_string(count) + " x " + std::to_string(pj) + " pJ)");
    charge(id, phase, attojoules, count);
  }

  // Records `amount` of the component's priced quantity (see EnergyTally::quantity) and
  // returns it; from the first call on the component is priced by its quantity.
  uint64_t count_quantity(ComponentId id, Phase phase, uint64_t amount) {
    assert(id < component_count());
    by_quantity_[id] = 1;
    if (__builtin_add_overflow(quantity_[slot(id, phase)], amount, &quantity_[slot(id, phase)]))
      overflow(id, "the priced quantity");
    return amount;
  }

  EnergyTally snapshot() const { return *this; }
  void reset();  // zero every figure, keep the components

  // {"total": pJ, "total_aj": aJ, "by_component": {name: pJ}, "by_phase": {phase: pJ},
  //  "by_component_phase": {name: {phase: pJ}}, "operations": {name: count}}. The pJ
  //  doubles are for reading; total_aj is the exact figure the others sum to.
  nlohmann::json to_json() const { return to_json(*this); }
  // The same for any tally of this ledger (a snapshot or a difference of two).
  nlohmann::json to_json(const EnergyTally& tally) const;

 private:
  [[noreturn]] void overflow(ComponentId id, const std::string& what) const;
  std::vector<std::string> names_;
};

}  // namespace mx
