#pragma once
// The architect's keys (power.*): how static energy is charged. Called from
// src/config/schema.cpp.
namespace mx {

class Schema;
void add_architect_keys(Schema& schema);

}  // namespace mx
