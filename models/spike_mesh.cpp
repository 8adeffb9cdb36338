#include "models/spike_mesh.h"

#include <algorithm>

namespace mx {

SpikeMesh::SpikeMesh(sc_core::sc_module_name name, const MeshSpec& spec, ChipContext& context)
    : sc_module(name), in("in"), noc_(spec), context_(context) {
  in.register_b_transport(this, &SpikeMesh::transport);
  for (unsigned r = 0; r < noc_.router_count(); ++r)
    router_tracks_.push_back(context_.timeline.track("router " + std::to_string(r)));
  burst_name_ = context_.timeline.name("burst");
  route_name_ = context_.timeline.name("route");
}

void SpikeMesh::transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  MeshOp& op = op_of<MeshOp>(payload);
  uint64_t first = UINT64_MAX, last = 0;
  int64_t energy_aj = 0;
  uint64_t packets = 0;
  for (size_t i = 0; i < op.count; ++i) {
    Burst& burst = op.bursts[i];
    const RouteResult route = noc_.route(burst.src, burst.dst, burst.inject_ps, burst.packets);
    burst.arrival_ps = route.arrival_ps;
    energy_aj += to_attojoules(route.energy_pj);
    packets += burst.packets;
    first = std::min(first, burst.inject_ps);
    last = std::max(last, burst.arrival_ps);
    if (context_.recording && burst.packets) {
      context_.slice(router_tracks_[burst.src], burst_name_, burst.inject_ps, burst.arrival_ps);
      const uint64_t flow = context_.timeline.new_flow_id();
      context_.timeline.flow(router_tracks_[burst.src], route_name_, ChromeTrace::FlowPhase::start,
                             burst.inject_ps, flow);
      // A short slice at the destination for the arrow to land on.
      const uint64_t landing = std::max(burst.inject_ps, burst.arrival_ps - noc_.spec().serialization_ps);
      context_.slice(router_tracks_[burst.dst], burst_name_, landing, burst.arrival_ps);
      context_.timeline.flow(router_tracks_[burst.dst], route_name_, ChromeTrace::FlowPhase::end, burst.arrival_ps,
                             flow);
    }
  }
  if (packets) context_.ledger.charge(context_.components.noc, op.phase, energy_aj, packets);
  if (last > first) delay += sc_core::sc_time::from_value(last - first);
}

}  // namespace mx
