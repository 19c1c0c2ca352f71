// Elementwise float32 kernels: broadcasting binary ops, unary ops, bias+activation.
#pragma once
#include <cstdint>
#include <vector>

namespace curtain {

// kReluGrad: a = dy, b = x of relu(x): dy * step(x), step(NaN) = NaN (tfjs's Relu gradient).
enum BinaryOp { kAdd = 0, kSub, kMul, kDiv, kMax, kMin, kSqDiff, kReluGrad };
enum UnaryOp {
  kSqrt = 0, kSquare, kExp, kLog, kRelu, kStep, kSigmoid, kTanh, kLeakyRelu, kNeg,
  kAbs, kReciprocal, kRsqrt, kSoftplus, kRelu6, kElu, kLinear, kLog1p
};

// out = a (op) b with numpy broadcasting; shapes are padded with leading 1s.
// out may alias a or b when that operand has the output's shape.
void binary(int op, const float* a, std::vector<int64_t> aShape, const float* b,
            std::vector<int64_t> bShape, float* out, const std::vector<int64_t>& outShape, int threads);
void unary(int op, const float* x, float* out, int64_t n, float alpha, int threads);
// y[r, j] = act(y[r, j] + bias[j]) in place (bias may be null).
void biasActivation(float* y, const float* bias, int64_t rows, int64_t cols, int act, float alpha, int threads);

}  // namespace curtain
