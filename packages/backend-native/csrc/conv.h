// NHWC 2-D convolution (forward, input and filter gradients): the direct kernels
// of conv_direct.cc where they apply, else im2col + GEMM; 1x1 layers are one GEMM.
#pragma once
#include <cstdint>

namespace curtain {

struct ConvShape {
  int64_t batch, inH, inW, inC;   // x: [batch, inH, inW, inC]
  int64_t kH, kW, outC;           // filter: [kH, kW, inC, outC]
  int64_t outH, outW;             // y: [batch, outH, outW, outC]
  int64_t strideH, strideW, padTop, padLeft, dilH, dilW;
};

void conv2dForward(const ConvShape& s, const float* x, const float* w, float* y, bool useBlas, int threads);
void conv2dBackpropInput(const ConvShape& s, const float* dy, const float* w, float* dx, bool useBlas, int threads);
void conv2dBackpropFilter(const ConvShape& s, const float* x, const float* dy, float* dw, bool useBlas, int threads);

}  // namespace curtain
