#pragma once
// What an action's mx::Error said, or "" when it threw none: the tests check that bad input
// fails with the message that names it.
#include <functional>
#include <string>

#include "common/error.h"

namespace mx::testing_support {

inline std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const mx::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace mx::testing_support
