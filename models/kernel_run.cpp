#include "models/kernel_run.h"

#if defined(__SANITIZE_ADDRESS__)
#include <pthread.h>
#include <sanitizer/common_interface_defs.h>
#endif

namespace mx {

void reannounce_main_stack_to_sanitizer() {
#if defined(__SANITIZE_ADDRESS__)
  pthread_attr_t attributes;
  if (pthread_getattr_np(pthread_self(), &attributes) != 0) return;
  void* stack_lowest = nullptr;
  size_t stack_size = 0;
  const bool known = pthread_attr_getstack(&attributes, &stack_lowest, &stack_size) == 0;
  pthread_attr_destroy(&attributes);
  if (!known) return;
  // A switch from the main stack to itself: ASan records the bounds it is given as the
  // stack it is now on.
  void* fake_stack = nullptr;
  __sanitizer_start_switch_fiber(&fake_stack, stack_lowest, stack_size);
  __sanitizer_finish_switch_fiber(fake_stack, nullptr, nullptr);
#endif
}

void run_kernel_until_starved() {
  sc_core::sc_start();
  reannounce_main_stack_to_sanitizer();
}

void run_kernel_for(const sc_core::sc_time& duration) {
  sc_core::sc_start(duration);
  reannounce_main_stack_to_sanitizer();
}

}  // namespace mx
