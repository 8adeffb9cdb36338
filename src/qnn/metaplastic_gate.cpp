#include "qnn/metaplastic_gate.h"

#include "common/error.h"

namespace mx {

MetaReference parse_meta_reference(const std::string& name) {
  if (name == "zero") return MetaReference::zero;
  if (name == "interval") return MetaReference::interval;
  throw Error("qnn.meta_reference: expected zero | interval, got \"" + name + "\"");
}

}  // namespace mx
