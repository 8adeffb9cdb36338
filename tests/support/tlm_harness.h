#pragma once
// A stand-in initiator for module tests: it binds to one target socket and sends one
// request at a time the way the chip's initiators do (chip_ops.h's transact: the request as
// the payload's extension, the start as the delay).
#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>

#include "models/chip_ops.h"
#include "models/kernel_run.h"

namespace mx::testing_support {

class Harness : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<Harness> out;
  explicit Harness(sc_core::sc_module_name name) : sc_module(name), out("out") {}

  // Starts `op` at chip time `start_ps`; returns the chip time it finished.
  template <typename Op>
  uint64_t send(Op& op, uint64_t start_ps = 0) {
    return transact(out, payload_, op, start_ps);
  }
  tlm::tlm_generic_payload& payload() { return payload_; }

 private:
  tlm::tlm_generic_payload payload_;
};

// Ends elaboration so sockets are bound before the test calls through them.
inline void elaborate() { run_kernel_for(sc_core::SC_ZERO_TIME); }

}  // namespace mx::testing_support
