// Per-thread scratch memory reused across calls (like OpenBLAS's own buffers):
// large temporaries (GEMM packs, im2col columns) would otherwise be fresh
// mmap'd pages on every call, paying page faults and kernel zeroing. It holds
// memory only, never values that outlive a call.
#pragma once
#include <cstddef>
#include <cstdlib>

namespace curtain {

class Scratch {
 public:
  ~Scratch() { std::free(data_); }
  // A 64-byte aligned, uninitialised buffer of at least n floats.
  float* get(size_t n) {
    if (n > cap_) {
      std::free(data_);
      size_t bytes = ((n * sizeof(float)) + 63) & ~size_t(63);
      data_ = static_cast<float*>(std::aligned_alloc(64, bytes));
      cap_ = data_ ? n : 0;
    }
    return data_;
  }

 private:
  float* data_ = nullptr;
  size_t cap_ = 0;
};

// Slots so that nested users on one thread do not share a buffer.
enum ScratchSlot { kPackA = 0, kPackB, kCols, kPadded, kFilterAcc, kDyPacked, kPhase, kSlots };
inline float* scratch(ScratchSlot slot, size_t n) {
  thread_local Scratch slots[kSlots];
  return slots[slot].get(n);
}

}  // namespace curtain
