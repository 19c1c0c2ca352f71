// Strided box copies for the data-movement kernels (Slice, SplitV, PadV2, Concat).
#pragma once
#include <cstdint>

namespace curtain {

// Copies the box `size` at `begin` of src (row-major `shape`) to dst (row-major
// `dstShape`) at `dstBegin`; all arrays have `rank` entries.
void copyBox(const float* src, const int64_t* shape, const int64_t* begin, const int64_t* size, float* dst,
             const int64_t* dstShape, const int64_t* dstBegin, int rank);

}  // namespace curtain
