#include "models/spike_mesh.h"

#include <algorithm>

namespace mx {

SpikeMesh::SpikeMesh(sc_core::sc_module_name name, const MeshSpec& spec, ChipContext& context)
    : sc_module(name), in("in"), noc_(spec), context_(context), record_(context.add_block(this->name(), "mesh")) {
  in.register_b_transport(this, &SpikeMesh::transport);
  for (unsigned r = 0; r < noc_.router_count(); ++r)
    router_tracks_.push_back(context_.timeline.track("router " + std::to_string(r)));
  burst_name_ = context_.timeline.name("burst");
  route_name_ = context_.timeline.name("route");
}

void SpikeMesh::transport(int, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  const MeshOp* op = request_of<MeshOp>(payload);
  if (!op) return;
  const uint64_t inject = chip_ps_of(delay);
  if (!op->packets) return respond(payload, delay, inject);
  const RouteResult route = noc_.route(op->src, op->dst, inject, op->packets);
  // Busy time of the mesh: the time its packets spent in it, queueing included.
  record_.busy_ps += route.arrival_ps - inject;
  context_.charge(record_, context_.components.noc, op->phase, to_attojoules(route.energy_pj), op->packets);
  if (context_.recording) {
    context_.slice(router_tracks_[op->src], burst_name_, inject, route.arrival_ps);
    const uint64_t flow = context_.timeline.new_flow_id();
    context_.timeline.flow(router_tracks_[op->src], route_name_, ChromeTrace::FlowPhase::start, inject, flow);
    // A short slice at the destination for the arrow to land on.
    const uint64_t landing = std::max(inject, route.arrival_ps - noc_.spec().serialization_ps);
    context_.slice(router_tracks_[op->dst], burst_name_, landing, route.arrival_ps);
    context_.timeline.flow(router_tracks_[op->dst], route_name_, ChromeTrace::FlowPhase::end, route.arrival_ps, flow);
  }
  respond(payload, delay, route.arrival_ps);
}

}  // namespace mx
