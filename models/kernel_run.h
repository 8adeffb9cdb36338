#pragma once
// Running the SystemC kernel from the main stack, and coming back to it in a state the
// address sanitizer understands.
#include <systemc>

namespace mx {

// SystemC 2.3.4 tells the address sanitizer about every coroutine switch, but when it
// switches back to the main coroutine it announces a stack with no bounds. An exception
// thrown on the main stack after that (a failed check once a run has simulated, an output
// that cannot be written) is then unwound without ASan clearing the frames it leaves, and
// the stale poison shows up later as a false stack-use-after-scope or stack-buffer-overflow
// report (google/sanitizers#189). Re-announcing the main thread's real stack after the
// kernel returns gives ASan back the bounds it needs; outside a sanitizer build it is a
// no-op.
void reannounce_main_stack_to_sanitizer();

// sc_start() until no event is left, then the re-announcement, so no caller can forget it.
void run_kernel_until_starved();
// sc_start(duration), then the re-announcement.
void run_kernel_for(const sc_core::sc_time& duration);

}  // namespace mx
