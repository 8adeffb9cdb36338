#pragma once
// The spike network-on-chip: a 2-D mesh of routers with dimension-ordered routing. `in` takes
// one burst per transaction (address-event packets: spikes, pulse commands; or a tile's
// partial sums as several flits) and returns at its arrival; link contention is the mesh
// kernel's (busy-until per link), so a burst of spikes costs more than one spike.
#include <systemc>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "hw/mesh_noc.h"
#include "models/chip_context.h"
#include "models/chip_ops.h"

namespace mx {

class SpikeMesh : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<SpikeMesh> in;  // any number of requesters

  SpikeMesh(sc_core::sc_module_name name, const MeshSpec& spec, ChipContext& context);
  const MeshNoc& noc() const { return noc_; }

 private:
  void transport(int from, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);

  MeshNoc noc_;
  ChipContext& context_;
  BlockRecord& record_;
  // One record per router, busy while a burst holds one of its ports (power.gating).
  std::vector<BlockRecord*> router_records_;
  uint64_t* hop_counts_[2][2] = {};  // [phase][east-west, north-south] in context.event_counts
  // The ledger's prices of a packet's hop and delivery (chip/area_power.h's event table), so
  // a recost re-prices the recorded hop counts to the attojoule.
  int64_t east_west_aj_, north_south_aj_, delivery_aj_;
  std::vector<int> router_tracks_;
  ChromeTrace::NameId burst_name_, route_name_;
};

}  // namespace mx
