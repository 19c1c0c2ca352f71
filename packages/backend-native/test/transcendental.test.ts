// The vectorised exp/log/log1p/tanh/sigmoid/softplus kernels (csrc/vecmath.h)
// against float64 Math.* at every point, over the whole float range and the
// special values, not only against the cpu backend's own float32 results.
import { describe, expect, it } from 'vitest';
import { nativeBackends, rand, tf } from './helpers.ts';

const backends = nativeBackends();

const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

// [tfjs op, float64 reference, domain lo, hi]
const cases: Record<string, [(x: tf.Tensor) => tf.Tensor, (x: number) => number, number, number]> = {
  exp: [tf.exp, Math.exp, -103, 88.7],
  log: [tf.log, Math.log, 1e-30, 3e38],
  log1p: [tf.log1p, Math.log1p, -0.999999, 3e38],
  tanh: [tf.tanh, Math.tanh, -20, 20],
  sigmoid: [tf.sigmoid, sigmoid, -87, 87],
  softplus: [tf.softplus, softplus, -87, 100],
};

/** Points spread over [lo, hi]: uniform, and log-uniform in magnitude for wide domains. */
function points(lo: number, hi: number, seed: number): Float32Array {
  const u = rand(20000, seed, 0, 1);
  const out = new Float32Array(u.length + 7);
  for (let i = 0; i < u.length; i++) {
    if (i % 2 === 0) out[i] = lo + (hi - lo) * u[i];
    else {
      const mag = Math.exp(Math.log(1e-7) + (Math.log(Math.max(Math.abs(lo), Math.abs(hi))) - Math.log(1e-7)) * u[i]);
      const signed = i % 4 === 1 ? mag : -mag;
      out[i] = Math.min(hi, Math.max(lo, signed));
    }
  }
  out.set([lo, hi, 0, 1, -1, 0.625, -0.625], u.length);
  return out;
}

function valuesOn(backend: string, op: (x: tf.Tensor) => tf.Tensor, xs: Float32Array): Float32Array {
  tf.setBackend(backend);
  return tf.tidy(() => op(tf.tensor1d(xs)).dataSync() as Float32Array);
}

describe.each(backends)('%s transcendental kernels', (backend) => {
  it('are within 1e-6 relative (or 1e-37 absolute) of float64 Math at every point', () => {
    let seed = 900;
    for (const [name, [op, ref, lo, hi]] of Object.entries(cases)) {
      const xs = points(lo, hi, seed++);
      const got = valuesOn(backend, op, xs);
      let worst = 0;
      let at = 0;
      for (let i = 0; i < xs.length; i++) {
        const want = ref(xs[i]);
        const err = Math.abs(got[i] - want) / Math.max(Math.abs(want), 1e-37 / 1e-6);
        if (err > worst) [worst, at] = [err, xs[i]];
      }
      expect(worst, `${name} worst at x = ${at}`).toBeLessThan(1e-6);
    }
  });

  it('handle infinities, NaN, overflow, underflow and subnormals like Math', () => {
    const special = [0, -0, Infinity, -Infinity, NaN, 1e-45, -1e-45, 1e-40, 88.72, 88.73, 89, -103.9, -104, -200, 200];
    for (const [name, [op, ref]] of Object.entries(cases)) {
      const got = valuesOn(backend, op, Float32Array.from(special));
      special.forEach((x, i) => {
        const want = Math.fround(ref(Math.fround(x)));
        if (Number.isNaN(want)) expect(got[i], `${name}(${x})`).toBeNaN();
        else if (!Number.isFinite(want) || want === 0) expect(got[i], `${name}(${x})`).toBe(want);
        else expect(Math.abs(got[i] - want) / Math.abs(want), `${name}(${x})`).toBeLessThan(1e-5);
      });
    }
  });
});
