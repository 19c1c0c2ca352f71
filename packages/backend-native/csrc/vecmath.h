// Branch-free float32 exp, log, log1p, tanh and sigmoid that GCC/Clang
// auto-vectorise (-O3 -fno-trapping-math; AVX2/AVX-512 where -march=native
// finds them, SSE2 otherwise): every special case is a select, not a branch,
// and the bit casts are memcpy, so a loop over an array of these becomes SIMD
// code. (Without -fno-trapping-math GCC keeps float compares as branches.) Cephes
// polynomials (Moshier, "Methods and Programs for Mathematical Functions",
// 1989), the ones behind most SIMD math libraries; within a few ulp of libm
// over the whole float range, including overflow, underflow, subnormals,
// infinities and NaN.
#pragma once
#include <cstdint>
#include <cstring>

namespace curtain {
namespace vm {

inline float asFloat(int32_t i) { float f; std::memcpy(&f, &i, 4); return f; }
inline int32_t asInt(float f) { int32_t i; std::memcpy(&i, &f, 4); return i; }

// Round to the nearest integer (ties to even) for |x| < 2^22, without SSE4.1.
inline float roundInt(float x) {
  const float magic = 12582912.f;  // 1.5 * 2^23
  return (x + magic) - magic;
}

// p * 2^n for integer-valued n in [-252, 254]: two multiplications by normal
// powers of two, so results near overflow and in the subnormal range are right.
inline float scale2(float p, float n) {
  int32_t k = static_cast<int32_t>(n);
  int32_t k1 = k >> 1, k2 = k - k1;
  return (p * asFloat((k1 + 127) << 23)) * asFloat((k2 + 127) << 23);
}

inline float exp(float x) {
  const float hi = 88.7228394f, lo = -103.972084f;
  float xc = x > hi ? hi : (x < lo ? lo : x);
  float n = roundInt(xc * 1.44269504088896341f);
  float r = xc - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.f;
  float y = scale2(p, n);
  y = x > hi ? __builtin_inff() : y;
  y = x < lo ? 0.f : y;
  return x != x ? x : y;
}

// log(m) for m in [sqrt(1/2), sqrt(2)) via t = m - 1.
inline float logMantissa(float t) {
  float z = t * t;
  float p = 7.0376836292e-2f;
  p = p * t - 1.1514610310e-1f;
  p = p * t + 1.1676998740e-1f;
  p = p * t - 1.2420140846e-1f;
  p = p * t + 1.4249322787e-1f;
  p = p * t - 1.6668057665e-1f;
  p = p * t + 2.0000714765e-1f;
  p = p * t - 2.4999993993e-1f;
  p = p * t + 3.3333331174e-1f;
  return t + (p * t * z - 0.5f * z);
}

inline float log(float x) {
  // subnormals: scale into the normal range first
  bool sub = x < 1.17549435e-38f;
  float xs = sub ? x * 8388608.f : x;
  int32_t bits = asInt(xs);
  int32_t e = ((bits >> 23) & 0xff) - 126;
  float m = asFloat((bits & 0x007fffff) | 0x3f000000);  // [0.5, 1)
  bool small = m < 0.707106781186547524f;
  float t = small ? m + m - 1.f : m - 1.f;
  float ef = static_cast<float>(small ? e - 1 : e) - (sub ? 23.f : 0.f);
  float y = logMantissa(t) + ef * -2.12194440e-4f + ef * 0.693359375f;
  y = x == __builtin_inff() ? x : y;
  y = x < 0.f ? __builtin_nanf("") : y;
  y = x == 0.f ? -__builtin_inff() : y;
  return x != x ? x : y;
}

// log(1 + x): log of the rounded sum, corrected by the rounding error of 1 + x.
inline float log1p(float x) {
  float u = 1.f + x;
  float d = u - 1.f;
  float y = log(u);
  float corr = (x - d) / u;
  y = (d == 0.f) ? x : y + corr;  // |x| below half an ulp of 1
  return x == __builtin_inff() ? x : y;
}

inline float tanh(float x) {
  float a = x < 0.f ? -x : x;
  // |x| < 0.625: odd polynomial; else 1 - 2 / (e^{2|x|} + 1) with the sign restored
  float z = x * x;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  float small = x + x * z * p;
  float big = 1.f - 2.f / (exp(a + a) + 1.f);
  big = x < 0.f ? -big : big;
  float y = a < 0.625f ? small : big;
  y = x == 0.f ? x : y;  // keeps the sign of zero
  return x != x ? x : y;
}

// 1 / (1 + e^{-x}) for x >= 0 and e^x / (1 + e^x) below, so the far negative
// tail keeps its relative accuracy down to the subnormal range.
inline float sigmoid(float x) {
  float e = exp(x < 0.f ? x : -x);
  float s = 1.f / (1.f + e);
  return x < 0.f ? e * s : s;
}

// softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^{-|x|}).
inline float softplus(float x) {
  float a = x < 0.f ? -x : x;
  float y = (x > 0.f ? x : 0.f) + log1p(exp(-a));
  return x != x ? x : y;
}

}  // namespace vm
}  // namespace curtain
