#pragma once
// Shorthands for declaring schema keys, shared by every file that adds keys to the run schema.
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"

namespace mx::keys {

constexpr double kInf = std::numeric_limits<double>::infinity();

inline ConfigKey integer(std::string path, int64_t value, double min, double max, std::string doc) {
  return {std::move(path), value, ValueKind::integer, min, max, {}, std::move(doc)};
}
inline ConfigKey number(std::string path, double value, double min, double max, std::string doc) {
  return {std::move(path), value, ValueKind::number, min, max, {}, std::move(doc)};
}
inline ConfigKey boolean(std::string path, bool value, std::string doc) {
  return {std::move(path), value, ValueKind::boolean, -kInf, kInf, {}, std::move(doc)};
}
inline ConfigKey choice(std::string path, std::string value, std::vector<std::string> choices, std::string doc) {
  return {std::move(path), std::move(value), ValueKind::string, -kInf, kInf, std::move(choices), std::move(doc)};
}
inline ConfigKey text(std::string path, std::string value, std::string doc) {
  return {std::move(path), std::move(value), ValueKind::string, -kInf, kInf, {}, std::move(doc)};
}
inline ConfigKey any(std::string path, json value, std::string doc) {
  return {std::move(path), std::move(value), ValueKind::any, -kInf, kInf, {}, std::move(doc)};
}

}  // namespace mx::keys
