#pragma once
// A stand-in initiator for module tests: it binds to one target socket and sends one
// operation at a time, the way the chip's sequencer does (one payload, data pointer to the op).
#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>

#include "models/chip_ops.h"

namespace mx::testing_support {

class Harness : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<Harness> out;
  explicit Harness(sc_core::sc_module_name name) : sc_module(name), out("out") {}

  // Returns the annotated delay in picoseconds.
  template <typename Op>
  uint64_t send(Op& op) {
    bind_op(payload_, op);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    out->b_transport(payload_, delay);
    EXPECT_EQ(payload_.get_response_status(), tlm::TLM_OK_RESPONSE);
    return delay.value();
  }

 private:
  tlm::tlm_generic_payload payload_;
};

// Ends elaboration so sockets are bound before the test calls through them.
inline void elaborate() { sc_core::sc_start(sc_core::SC_ZERO_TIME); }

}  // namespace mx::testing_support
