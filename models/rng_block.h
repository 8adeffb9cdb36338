#pragma once
// The learning controller's helpers: an RNG block (one generator, `rng.draws_per_cycle`
// draws per draw time) and an SRAM block (`sram.banks` interleaved banks, one access per
// bank per access time). Each is a resource with a busy-until time: requesters that arrive
// while it works queue behind it, which is where one generator serving many draw sites, or
// one bank serving a whole layer, shows up as time.
//
// An RNG block holds its generator (hold(): taken from the rule's GateBank, one per generator
// of chip.rngs), so the stream's state lives in the block that models it; the rule's kernel
// draws through the bank while it decides (in both modes, so both draw the same numbers),
// and the block serves each controller's share of those draws in time and energy. It checks
// that it served exactly what its generator drew (served_all()).
#include <systemc>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <memory>

#include "learning/gate_bank.h"
#include "learning/state_store.h"
#include "models/chip_context.h"
#include "models/chip_ops.h"

namespace mx {

class RngBlock : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<RngBlock> in;  // any number of requesters
  RngBlock(sc_core::sc_module_name name, ChipContext& context, unsigned draws_per_cycle, int layer = -1);
  ~RngBlock() override;
  // Takes generator `index` of `bank` for the block's lifetime (the bank outlives the chip).
  void hold(GateBank& bank, size_t index);
  uint64_t draws() const { return draws_; }
  // Throws unless the block has served every draw its generator made.
  void check_served_all() const;

 private:
  void transport(int from, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  GateBank* bank_ = nullptr;
  size_t bank_index_ = 0;
  std::unique_ptr<UpdateGate> stream_;  // the generator's state; null for rules that draw nothing
  ChipContext& context_;
  BlockRecord& record_;
  Resource generator_;
  unsigned draws_per_cycle_;
  uint64_t draws_ = 0;
  int track_;
  ChromeTrace::NameId draw_name_;
};

// An SRAM of the controller (metaplasticity variables m, or grad_acc's accumulators). A
// request's accesses are spread over the banks in bank order (the controller walks
// consecutive words); each bank takes one access per access time.
//
// The bank holds the words: hold() takes a slice of the rule's store (learning/
// state_store.h; one per layer it serves, or its tile's) for the block's lifetime and gives
// it back when the chip is torn down. The rule's kernel reads and writes the words through
// the store while it decides (in both modes, so both run the same maths), and the bank
// serves the controller's requests for them in time and energy. It checks that the
// accesses it was sent are the reads and writes its slices saw: on every request (the
// sample's m growth included), reported by check_served_all(), which the sequencer calls
// at the end of each sample and which also compares the totals then.
class SramBank : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<SramBank> in;  // every controller that reaches its words
  SramBank(sc_core::sc_module_name name, ComponentId component, ChipContext& context, unsigned banks = 1,
           int layer = -1);
  ~SramBank() override;
  unsigned banks() const { return static_cast<unsigned>(banks_.size()); }
  // Takes slice `index` of `store` for the block's lifetime (the store outlives the chip).
  void hold(SlicedState& store, size_t index);
  size_t slices_held() const { return held_.size(); }
  uint64_t accesses() const { return accesses_; }
  // Throws unless the block was sent exactly the accesses its slices saw since it took them,
  // now and at each request.
  void check_served_all() const;

 private:
  struct Held {
    SlicedState* store;
    size_t index;
    std::unique_ptr<StateSlice> slice;
    uint64_t seen_before;  // the slice's accesses when the block took it
  };
  void transport(int from, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  uint64_t seen() const;
  std::vector<Held> held_;
  uint64_t accesses_ = 0;
  std::string mismatch_;  // the first request that found its slices elsewhere
  ComponentId component_;
  ChipContext& context_;
  BlockRecord& record_;
  std::vector<Resource> banks_;
  unsigned next_bank_ = 0;  // where the next request's first access lands
  int track_;
  ChromeTrace::NameId access_name_;
};

}  // namespace mx
