// Direct NHWC convolution (no column matrix) for stride 1 and dilation 1.
#pragma once
#include "conv.h"

namespace curtain {

// Stride 1, dilation 1 and padding no larger than the kernel: the shapes the direct kernels handle.
bool directConvApplies(const ConvShape& s);
void directConvForward(const ConvShape& s, const float* x, const float* w, float* y, int threads);
void directConvBackpropInput(const ConvShape& s, const float* dy, const float* w, float* dx, int threads);
void directConvBackpropFilter(const ConvShape& s, const float* x, const float* dy, float* dw, int threads);

}  // namespace curtain
