// Fused activations with their gradients, one pass each way:
// SiLU x * sigmoid(x), and the PixelCNN gate tanh(a) * sigmoid(b) over the two
// channel halves of x viewed as [rows, 2F].
#pragma once
#include <cstdint>

namespace curtain {

void siluForward(const float* x, float* out, int64_t n, int threads);
// dx = dy * s * (1 + x * (1 - s)), s = sigmoid(x)
void siluBackward(const float* x, const float* dy, float* dx, int64_t n, int threads);
// out[r, j] = tanh(x[r, j]) * sigmoid(x[r, F + j])
void gateForward(const float* x, int64_t rows, int64_t f, float* out, int threads);
// dx[r, j] = dy * s * (1 - t^2), dx[r, F + j] = dy * t * s * (1 - s)
void gateBackward(const float* x, const float* dy, int64_t rows, int64_t f, float* dx, int threads);

}  // namespace curtain
