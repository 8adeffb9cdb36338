#pragma once
// Objects a kernel owns and lends, by index, to the chip blocks that model them: the gate's
// generators to the RNG blocks, the learning state's slices to the SRAM banks. A lent object
// stays where it was, so the owner keeps reaching it through its pointer until the block
// gives it back (when the chip is torn down) and the network can go on after a timed run.
#include <memory>
#include <string>
#include <vector>

#include "common/error.h"

namespace mx {

template <typename T>
class Lendable {
 public:
  // `owner` and `item` name them in errors: "gate bank", "generator".
  Lendable(const char* owner, const char* item) : owner_(owner), item_(item) {}

  T& add(std::unique_ptr<T> object) {
    pointers_.push_back(object.get());
    owned_.push_back(std::move(object));
    return *pointers_.back();
  }
  size_t size() const { return pointers_.size(); }
  T& operator[](size_t index) const { return *pointers_[index]; }

  std::unique_ptr<T> release(size_t index) {
    if (index >= owned_.size() || !owned_[index])
      throw Error(std::string(owner_) + ": " + item_ + " " + std::to_string(index) + " of " +
                  std::to_string(owned_.size()) + " is not the " + owner_ + "'s to hand over");
    return std::move(owned_[index]);
  }
  void restore(size_t index, std::unique_ptr<T> object) {
    if (index >= owned_.size() || owned_[index] || object.get() != pointers_[index])
      throw Error(std::string(owner_) + ": " + item_ + " " + std::to_string(index) +
                  " handed back is not the one released");
    owned_[index] = std::move(object);
  }

 private:
  const char* owner_;
  const char* item_;
  std::vector<std::unique_ptr<T>> owned_;  // null while lent
  std::vector<T*> pointers_;
};

}  // namespace mx
