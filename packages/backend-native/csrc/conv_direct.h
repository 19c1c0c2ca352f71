// Direct NHWC convolution (no column matrix) for dilation 1.
#pragma once
#include "conv.h"
#include "gemm.h"

namespace curtain {

// Dilation 1 and padding smaller than the kernel: the shapes the direct forward,
// input-gradient and filter-gradient kernels handle.
bool directConvApplies(const ConvShape& s);
void directConvForward(const ConvShape& s, const float* x, const float* w, float* y, int threads);
void directConvBackpropInput(const ConvShape& s, const float* dy, const float* w, float* dx, int threads);
void directConvBackpropFilter(const ConvShape& s, const float* x, const float* dy, float* dw, int threads);
// C = A^T B on the filter-gradient tiles when A [K, M] and B [K, N] are tall
// and narrow (K >= 256; M <= 64; N from two vectors to 64; alpha 1, beta 0,
// dense); false, computing nothing, otherwise.
bool directGemm(const GemmArgs& g, int threads);

}  // namespace curtain
