// N-API bindings. Every function takes Float32Arrays (inputs and a
// preallocated output) plus plain numbers; nothing is allocated for JS here.
#include <napi.h>

#include <cstdlib>
#include <vector>

#include "activations.h"
#include "adam.h"
#include "conv.h"
#include "elementwise.h"
#include "gemm.h"
#include "movement.h"
#include "pool.h"
#include "reduce.h"
#include "softmax.h"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace {

using namespace curtain;

float* F(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Float32Array>().Data(); }
int64_t I(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().Int64Value(); }
double D(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().DoubleValue(); }
bool B(const Napi::CallbackInfo& info, size_t i) { return info[i].ToBoolean().Value(); }
std::vector<int64_t> Shape(const Napi::CallbackInfo& info, size_t i) {
  Napi::Array a = info[i].As<Napi::Array>();
  std::vector<int64_t> s(a.Length());
  for (uint32_t k = 0; k < a.Length(); ++k) s[k] = a.Get(k).As<Napi::Number>().Int64Value();
  return s;
}

// gemm(useBlas, threads, transA, transB, M, N, K, a, aOff, aBatchStride, b, bOff,
//      bBatchStride, c, batch): C[i] = op(A[i]) op(B[i]) for i < batch.
Napi::Value Gemm(const Napi::CallbackInfo& info) {
  bool useBlas = B(info, 0);
  int threads = (int)I(info, 1);
  bool ta = B(info, 2), tb = B(info, 3);
  int64_t M = I(info, 4), N = I(info, 5), K = I(info, 6);
  const float* a = F(info, 7);
  int64_t aStride = I(info, 8);
  const float* b = F(info, 9);
  int64_t bStride = I(info, 10);
  float* c = F(info, 11);
  int64_t batch = I(info, 12);
  for (int64_t i = 0; i < batch; ++i) {
    gemm({ta, tb, M, N, K, 1.f, a + i * aStride, ta ? M : K, b + i * bStride, tb ? K : N, 0.f, c + i * M * N, N},
         useBlas, threads);
  }
  return info.Env().Undefined();
}

ConvShape ConvArgs(const Napi::CallbackInfo& info, size_t i) {
  ConvShape s;
  int64_t* f[] = {&s.batch, &s.inH, &s.inW, &s.inC, &s.kH, &s.kW, &s.outC, &s.outH,
                  &s.outW, &s.strideH, &s.strideW, &s.padTop, &s.padLeft, &s.dilH, &s.dilW};
  Napi::Array a = info[i].As<Napi::Array>();
  for (uint32_t k = 0; k < 15; ++k) *f[k] = a.Get(k).As<Napi::Number>().Int64Value();
  return s;
}

// conv2d(kind, useBlas, threads, shapeArray, in0, in1, out); kind 0 fwd(x,w->y),
// 1 backprop input (dy,w->dx), 2 backprop filter (x,dy->dw).
Napi::Value Conv2d(const Napi::CallbackInfo& info) {
  int kind = (int)I(info, 0);
  bool useBlas = B(info, 1);
  int threads = (int)I(info, 2);
  ConvShape s = ConvArgs(info, 3);
  const float* in0 = F(info, 4);
  const float* in1 = F(info, 5);
  float* out = F(info, 6);
  if (kind == 0) conv2dForward(s, in0, in1, out, useBlas, threads);
  else if (kind == 1) conv2dBackpropInput(s, in0, in1, out, useBlas, threads);
  else conv2dBackpropFilter(s, in0, in1, out, useBlas, threads);
  return info.Env().Undefined();
}

// binary(op, a, aShape, b, bShape, out, outShape, threads)
Napi::Value Binary(const Napi::CallbackInfo& info) {
  binary((int)I(info, 0), F(info, 1), Shape(info, 2), F(info, 3), Shape(info, 4), F(info, 5), Shape(info, 6),
         (int)I(info, 7));
  return info.Env().Undefined();
}

// unary(op, x, out, alpha, threads)
Napi::Value Unary(const Napi::CallbackInfo& info) {
  Napi::Float32Array x = info[1].As<Napi::Float32Array>();
  unary((int)I(info, 0), x.Data(), F(info, 2), (int64_t)x.ElementLength(), (float)D(info, 3), (int)I(info, 4));
  return info.Env().Undefined();
}

// biasAct(y, bias|null, rows, cols, act, alpha, threads) in place on y.
Napi::Value BiasAct(const Napi::CallbackInfo& info) {
  const float* bias = info[1].IsNull() || info[1].IsUndefined() ? nullptr : F(info, 1);
  biasActivation(F(info, 0), bias, I(info, 2), I(info, 3), (int)I(info, 4), (float)D(info, 5), (int)I(info, 6));
  return info.Env().Undefined();
}

// reduce(op, x, outer, r, inner, out, threads)
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  reduce((int)I(info, 0), F(info, 1), I(info, 2), I(info, 3), I(info, 4), F(info, 5), (int)I(info, 6));
  return info.Env().Undefined();
}

int32_t* I32(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Int32Array>().Data(); }

// softmax(x, rows, k, logSpace, out, threads)
Napi::Value Softmax(const Napi::CallbackInfo& info) {
  softmaxRows(F(info, 0), I(info, 1), I(info, 2), B(info, 3), F(info, 4), (int)I(info, 5));
  return info.Env().Undefined();
}

// softmaxXent(x, labels: Int32Array, rows, k, loss, threads)
Napi::Value SoftmaxXent(const Napi::CallbackInfo& info) {
  softmaxXent(F(info, 0), I32(info, 1), I(info, 2), I(info, 3), F(info, 4), (int)I(info, 5));
  return info.Env().Undefined();
}

// softmaxXentGrad(x, labels: Int32Array, dy, rows, k, dx, threads)
Napi::Value SoftmaxXentGrad(const Napi::CallbackInfo& info) {
  softmaxXentGrad(F(info, 0), I32(info, 1), F(info, 2), I(info, 3), I(info, 4), F(info, 5), (int)I(info, 6));
  return info.Env().Undefined();
}

// silu(kind, x, dy|null, out, threads): kind 0 forward (out = silu(x)), 1 gradient (out = dx).
Napi::Value Silu(const Napi::CallbackInfo& info) {
  Napi::Float32Array x = info[1].As<Napi::Float32Array>();
  int64_t n = (int64_t)x.ElementLength();
  if (I(info, 0) == 0) siluForward(x.Data(), F(info, 3), n, (int)I(info, 4));
  else siluBackward(x.Data(), F(info, 2), F(info, 3), n, (int)I(info, 4));
  return info.Env().Undefined();
}

// gate(kind, x, dy|null, rows, f, out, threads): kind 0 forward [rows, 2f] -> [rows, f], 1 gradient -> [rows, 2f].
Napi::Value Gate(const Napi::CallbackInfo& info) {
  if (I(info, 0) == 0) gateForward(F(info, 1), I(info, 3), I(info, 4), F(info, 5), (int)I(info, 6));
  else gateBackward(F(info, 1), F(info, 2), I(info, 3), I(info, 4), F(info, 5), (int)I(info, 6));
  return info.Env().Undefined();
}

// adam(var, g, m, v, outVar, outM, outV, lr, beta1, beta2, eps, step, threads)
Napi::Value Adam(const Napi::CallbackInfo& info) {
  Napi::Float32Array var = info[0].As<Napi::Float32Array>();
  adam(var.Data(), F(info, 1), F(info, 2), F(info, 3), F(info, 4), F(info, 5), F(info, 6),
       (int64_t)var.ElementLength(), D(info, 7), D(info, 8), D(info, 9), D(info, 10), D(info, 11),
       (int)I(info, 12), (float)D(info, 13));
  return info.Env().Undefined();
}

// sumSquares(x): the sum of x[i]^2 as a double.
Napi::Value SumSquares(const Napi::CallbackInfo& info) {
  Napi::Float32Array x = info[0].As<Napi::Float32Array>();
  return Napi::Number::New(info.Env(), sumSquares(x.Data(), (int64_t)x.ElementLength()));
}

// avgPool(kind, [batch, inH, inW, C, outH, outW, kH, kW, strideH, strideW, padTop, padLeft], in, out, threads):
// kind 0 forward (x -> y), 1 gradient (dy -> dx).
Napi::Value AvgPool(const Napi::CallbackInfo& info) {
  std::vector<int64_t> v = Shape(info, 1);
  PoolShape s{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11]};
  if (I(info, 0) == 0) avgPoolForward(s, F(info, 2), F(info, 3), (int)I(info, 4));
  else avgPoolBackward(s, F(info, 2), F(info, 3), (int)I(info, 4));
  return info.Env().Undefined();
}

// resizeNearest(kind, [batch, inH, inW, C, outH, outW], in, out, threads): kind 0 forward, 1 gradient.
Napi::Value ResizeNearest(const Napi::CallbackInfo& info) {
  std::vector<int64_t> v = Shape(info, 1);
  if (I(info, 0) == 0) resizeNearestForward(v[0], v[1], v[2], v[3], v[4], v[5], F(info, 2), F(info, 3), (int)I(info, 4));
  else resizeNearestBackward(v[0], v[1], v[2], v[3], v[4], v[5], F(info, 2), F(info, 3), (int)I(info, 4));
  return info.Env().Undefined();
}

// copyBox(src, shape, begin, size, dst, dstShape, dstBegin): see movement.h (rank >= 1).
Napi::Value CopyBox(const Napi::CallbackInfo& info) {
  std::vector<int64_t> shape = Shape(info, 1), begin = Shape(info, 2), size = Shape(info, 3), dstShape = Shape(info, 5),
                       dstBegin = Shape(info, 6);
  copyBox(F(info, 0), shape.data(), begin.data(), size.data(), F(info, 4), dstShape.data(), dstBegin.data(),
          static_cast<int>(shape.size()));
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("gemm", Napi::Function::New(env, Gemm));
  exports.Set("conv2d", Napi::Function::New(env, Conv2d));
  exports.Set("binary", Napi::Function::New(env, Binary));
  exports.Set("unary", Napi::Function::New(env, Unary));
  exports.Set("biasAct", Napi::Function::New(env, BiasAct));
  exports.Set("reduce", Napi::Function::New(env, Reduce));
  exports.Set("adam", Napi::Function::New(env, Adam));
  exports.Set("sumSquares", Napi::Function::New(env, SumSquares));
  exports.Set("softmax", Napi::Function::New(env, Softmax));
  exports.Set("silu", Napi::Function::New(env, Silu));
  exports.Set("gate", Napi::Function::New(env, Gate));
  exports.Set("avgPool", Napi::Function::New(env, AvgPool));
  exports.Set("resizeNearest", Napi::Function::New(env, ResizeNearest));
  exports.Set("softmaxXent", Napi::Function::New(env, SoftmaxXent));
  exports.Set("softmaxXentGrad", Napi::Function::New(env, SoftmaxXentGrad));
  exports.Set("copyBox", Napi::Function::New(env, CopyBox));
  exports.Set("haveOpenblas", Napi::Boolean::New(env, haveOpenblas()));
  return exports;
}

}  // namespace

NODE_API_MODULE(curtain_native, Init)
