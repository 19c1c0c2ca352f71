// Every native override against the stock cpu backend (forward values).
import { describe, expect, it } from 'vitest';
import { CURTAIN_ADAM, CURTAIN_SUM_SQUARES } from '../src/index.ts';
import { compareWithCpu, input, nativeBackends, runOn, tf } from './helpers.ts';

const TOL = 1e-4;
const backends = nativeBackends();

describe.each(backends)('%s kernels match cpu', (backend) => {
  it('MatMul / BatchMatMul with transposes, batches and broadcasting', () => {
    let seed = 1;
    const cases: [number[], number[], boolean, boolean][] = [
      [[1, 1], [1, 1], false, false],
      [[7, 5], [5, 3], false, false],
      [[5, 7], [5, 3], true, false],
      [[7, 5], [3, 5], false, true],
      [[5, 7], [3, 5], true, true],
      [[33, 65], [65, 47], false, false],
      [[130, 70], [70, 97], false, false],
      [[3, 9, 17], [3, 17, 11], false, false],
      [[2, 3, 9, 17], [2, 3, 11, 17], false, true],
      [[4, 9, 17], [1, 17, 6], false, false],
      [[1, 9, 17], [4, 17, 6], false, false],
      [[9, 17], [4, 17, 6], false, false],
      [[2, 17, 9], [2, 6, 17], true, true],
      // Large enough for the multi-threaded GEMM paths (row, column and K splits).
      [[256, 300], [300, 64], false, false],
      [[64, 200], [300, 200], false, true],
      [[3001, 9], [3001, 32], true, false],
      // A^T B over many products on the filter-gradient tiles (conv_direct.cc directGemm):
      // widths in whole vectors and widths that need B padded to whole vectors, and enough
      // products to split them over the backend's threads
      [[2000, 24], [2000, 40], true, false],
      [[2500, 32], [2500, 32], true, false],
      [[2, 400, 7], [2, 400, 64], true, false],
      [[20000, 32], [20000, 48], true, false],
    ];
    for (const [sa, sb, ta, tb] of cases) {
      const err = compareWithCpu(backend, [input(sa, seed++), input(sb, seed++)], (a, b) => tf.matMul(a, b, ta, tb));
      expect(err, `${sa} x ${sb} ${ta} ${tb}`).toBeLessThan(TOL);
    }
  });

  it('_FusedMatMul with bias and activations', () => {
    let seed = 100;
    for (const activation of ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'] as const) {
      for (const [sa, sb, sbias, ta, tb] of [
        [[13, 21], [21, 9], [9], false, false],
        [[21, 13], [9, 21], [1, 9], true, true],
        [[2, 13, 21], [2, 21, 9], [13, 1], false, false],
      ] as [number[], number[], number[], boolean, boolean][]) {
        const inputs = [input(sa, seed++), input(sb, seed++), input(sbias, seed++), input([9], seed++)];
        const err = compareWithCpu(backend, inputs, (a, b, bias, alpha) =>
          tf.fused.matMul({
            a,
            b,
            bias,
            activation,
            transposeA: ta,
            transposeB: tb,
            leakyreluAlpha: 0.3,
            preluActivationWeights: activation === 'prelu' ? alpha : undefined,
          }),
        );
        expect(err, `${activation} ${sa} ${sb} ${sbias}`).toBeLessThan(TOL);
      }
    }
  });

  const convCases: { x: number[]; f: number[]; s: number | [number, number]; pad: 'same' | 'valid' | number; d?: number }[] = [
    { x: [2, 9, 9, 1], f: [3, 3, 1, 4], s: 1, pad: 'same' },
    { x: [3, 9, 7, 3], f: [3, 3, 3, 5], s: 2, pad: 'same' },
    { x: [2, 10, 10, 4], f: [3, 3, 4, 8], s: 2, pad: 'valid' },
    { x: [2, 11, 8, 2], f: [5, 3, 2, 3], s: [2, 1], pad: 'valid' },
    { x: [2, 8, 8, 6], f: [1, 1, 6, 7], s: 1, pad: 'valid' },
    { x: [3, 7, 7, 5], f: [2, 2, 5, 16], s: 2, pad: 'same' },
    { x: [2, 9, 9, 3], f: [3, 3, 3, 4], s: 1, pad: 1 },
    { x: [2, 12, 12, 2], f: [3, 3, 2, 3], s: 1, pad: 'same', d: 2 },
    // more im2col rows than one chunk holds (64K floats): chunks end inside an image, the last one short
    { x: [3, 13, 11, 64], f: [3, 3, 64, 5], s: 1, pad: 'same' },
    { x: [2, 16, 9, 40], f: [3, 3, 40, 6], s: 1, pad: 'valid' },
    // the direct stride-1 kernels (conv_direct.cc): output channels in one, two and three
    // vectors with a partial last one, rows shorter and longer than a pixel tile,
    // even kernels whose SAME padding is asymmetric
    { x: [3, 6, 13, 5], f: [4, 4, 5, 20], s: 1, pad: 'same' },
    { x: [2, 7, 9, 9], f: [2, 2, 9, 11], s: 1, pad: 'same' },
    { x: [2, 5, 15, 17], f: [3, 3, 17, 2], s: 1, pad: 'valid' },
    { x: [2, 4, 3, 16], f: [3, 3, 16, 16], s: 1, pad: 'same' },
    // rows longer than the widest tile (24 pixels with AVX-512), channels in one
    // and in three vectors of 16 with a partial last one
    { x: [2, 4, 28, 3], f: [3, 3, 3, 9], s: 1, pad: 'same' },
    // one vector of outputs in row pairs (an odd number of rows leaves one row alone), 16 exactly
    { x: [2, 7, 30, 16], f: [3, 3, 16, 16], s: 1, pad: 'same' },
    { x: [2, 6, 5, 4], f: [2, 4, 4, 6], s: 1, pad: 'valid' },
    { x: [2, 5, 30, 6], f: [3, 3, 6, 40], s: 1, pad: 'same' },
    // 1 to 4 output channels: vectorised over the filter's runs (forward) and input channels (filter gradient)
    { x: [2, 9, 7, 24], f: [3, 3, 24, 3], s: 1, pad: 'same' },
    { x: [2, 10, 9, 8], f: [3, 3, 8, 1], s: 2, pad: 'same' },
    { x: [3, 8, 8, 32], f: [3, 3, 32, 2], s: 1, pad: 'same' },
    // a filter row of more vectors than one narrow filter-gradient tile holds
    { x: [2, 6, 6, 32], f: [3, 3, 32, 4], s: 1, pad: 'same' },
    // strided input gradients by phase (sub-pixel): a DCGAN layer, a kernel narrower than its stride
    // (phases no tap reaches), padding larger than a phase's taps
    { x: [2, 14, 14, 8], f: [4, 4, 8, 20], s: 2, pad: 'same' },
    { x: [2, 9, 11, 3], f: [2, 2, 3, 4], s: [2, 3], pad: 'valid' },
    { x: [2, 8, 8, 5], f: [2, 2, 5, 6], s: 2, pad: 1 },
    // enough work to split the images over the backend's threads
    { x: [5, 20, 20, 16], f: [3, 3, 16, 24], s: 1, pad: 'same' },
  ];

  it('Conv2D (strides 1/2, SAME/VALID/explicit, odd sizes, dilation)', () => {
    let seed = 200;
    for (const c of convCases) {
      const err = compareWithCpu(backend, [input(c.x, seed++), input(c.f, seed++)], (x, f) =>
        tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.s, c.pad, 'NHWC', c.d ?? 1),
      );
      expect(err, JSON.stringify(c)).toBeLessThan(TOL);
    }
  });

  it('FusedConv2D with bias and activation', () => {
    let seed = 300;
    for (const c of convCases.slice(0, 4)) {
      for (const activation of ['relu', 'linear', 'leakyrelu'] as const) {
        const err = compareWithCpu(backend, [input(c.x, seed++), input(c.f, seed++), input([c.f[3]], seed++)], (x, f, b) =>
          tf.fused.conv2d({
            x: x as tf.Tensor4D,
            filter: f as tf.Tensor4D,
            strides: c.s,
            pad: c.pad,
            bias: b,
            activation,
            leakyreluAlpha: 0.1,
          }),
        );
        expect(err, JSON.stringify(c)).toBeLessThan(TOL);
      }
    }
  });

  it('Conv2DBackpropInput (conv2dTranspose) and Conv2DBackpropFilter', () => {
    let seed = 400;
    for (const c of convCases) {
      if (c.d) continue;
      const info = tf.backend_util.computeConv2DInfo(
        c.x as [number, number, number, number],
        c.f as [number, number, number, number],
        c.s,
        1,
        c.pad,
      );
      const dyShape = info.outShape as number[];
      const errIn = compareWithCpu(
        backend,
        [input(dyShape, seed++), input(c.f, seed++)],
        (dy, f) =>
          tf
            .engine()
            .runKernel(
              'Conv2DBackpropInput',
              { dy, filter: f },
              { inputShape: c.x, strides: c.s, pad: c.pad, dataFormat: 'NHWC' },
            ) as tf.Tensor,
      );
      expect(errIn, `input ${JSON.stringify(c)}`).toBeLessThan(TOL);
      const errF = compareWithCpu(
        backend,
        [input(c.x, seed++), input(dyShape, seed++)],
        (x, dy) =>
          tf
            .engine()
            .runKernel('Conv2DBackpropFilter', { x, dy }, { filterShape: c.f, strides: c.s, pad: c.pad, dataFormat: 'NHWC' }) as tf.Tensor,
      );
      expect(errF, `filter ${JSON.stringify(c)}`).toBeLessThan(TOL);
    }
    const errT = compareWithCpu(backend, [input([2, 7, 7, 6], seed++), input([3, 3, 4, 6], seed++)], (x, f) =>
      tf.conv2dTranspose(x as tf.Tensor4D, f as tf.Tensor4D, [2, 14, 14, 4], 2, 'same'),
    );
    expect(errT).toBeLessThan(TOL);
  });

  it('binary ops: same shape, scalars, trailing/leading/middle broadcasting', () => {
    const shapes: [number[], number[]][] = [
      [
        [5, 7],
        [5, 7],
      ],
      [[7001], [7001]],
      [[5, 7], []],
      [[], [5, 7]],
      [[3, 4, 5], [5]],
      [[5], [3, 4, 5]],
      [
        [3, 4, 5],
        [4, 1],
      ],
      [
        [3, 1, 5],
        [1, 4, 1],
      ],
      [
        [6, 1],
        [6, 9],
      ],
      [
        [2, 3, 4, 5],
        [3, 1, 5],
      ],
      [[128, 512], [512]],
      [[64, 14, 14, 32], [32]],
      [[1], [1]],
      [
        [401, 2],
        [401, 1],
      ],
    ];
    const ops: Record<string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor> = {
      add: tf.add,
      sub: tf.sub,
      mul: tf.mul,
      div: tf.div,
      maximum: tf.maximum,
      minimum: tf.minimum,
      squaredDifference: tf.squaredDifference,
    };
    let seed = 500;
    for (const [name, op] of Object.entries(ops)) {
      for (const [sa, sb] of shapes) {
        const lo = name === 'div' ? 0.5 : -1;
        const err = compareWithCpu(backend, [input(sa, seed++), input(sb, seed++, lo, 2)], op);
        expect(err, `${name} ${sa} ${sb}`).toBeLessThan(TOL);
      }
    }
    // Large enough for the multi-threaded paths.
    for (const [sa, sb] of [
      [[300001], [300001]],
      [
        [150001, 2],
        [150001, 1],
      ],
      [[300, 1000], [1000]],
      [[300000], []],
    ] as [number[], number[]][]) {
      const err = compareWithCpu(backend, [input(sa, seed++), input(sb, seed++)], tf.add);
      expect(err, `add ${sa} ${sb}`).toBeLessThan(TOL);
    }
  });

  it('AddN', () => {
    const err = compareWithCpu(backend, [input([4, 9], 1), input([4, 9], 2), input([4, 9], 3), input([4, 9], 4)], (a, b, c, d) =>
      tf.addN([a, b, c, d]),
    );
    expect(err).toBeLessThan(TOL);
  });

  it('unary ops', () => {
    const ops: Record<string, [(x: tf.Tensor) => tf.Tensor, number, number]> = {
      sqrt: [tf.sqrt, 0, 4],
      square: [tf.square, -3, 3],
      exp: [tf.exp, -5, 5],
      log: [tf.log, 0.01, 5],
      relu: [tf.relu, -2, 2],
      step: [(x) => tf.step(x, 0.25), -2, 2],
      sigmoid: [tf.sigmoid, -8, 8],
      tanh: [tf.tanh, -4, 4],
      leakyRelu: [(x) => tf.leakyRelu(x, 0.1), -2, 2],
      neg: [tf.neg, -2, 2],
      abs: [tf.abs, -2, 2],
      reciprocal: [tf.reciprocal, 0.1, 3],
      rsqrt: [tf.rsqrt, 0.1, 3],
      softplus: [tf.softplus, -20, 20],
      relu6: [tf.relu6, -3, 9],
      elu: [tf.elu, -3, 3],
      log1p: [tf.log1p, -0.9, 5],
    };
    let seed = 600;
    for (const [name, [op, lo, hi]] of Object.entries(ops)) {
      for (const shape of name === 'relu' || name === 'exp' ? [[1], [3, 5], [300001]] : [[1], [3, 5], [1001]]) {
        const err = compareWithCpu(backend, [input(shape, seed++, lo, hi)], op);
        expect(err, `${name} ${shape}`).toBeLessThan(TOL);
      }
    }
  });

  it('reductions: Sum/Mean/Max/Min over leading, trailing, middle and all axes', () => {
    const cases: [number[], number | number[] | undefined, boolean][] = [
      [[128, 512], 0, false],
      [[128, 512], 1, true],
      [[64, 14, 14, 32], [0, 1, 2], false],
      [[3, 4, 5], 1, false],
      [[3, 4, 5], [1, 2], true],
      [[3, 4, 5], undefined, false],
      [[7], 0, false],
      [[3, 4, 5], [0, 2], false],
      [[3, 4, 5], -1, false],
      [[300000], undefined, false],
      [[600, 512], 0, false],
      [[512, 600], 1, false],
    ];
    let seed = 700;
    for (const [shape, axis, keep] of cases) {
      for (const [name, op] of Object.entries({ sum: tf.sum, mean: tf.mean, max: tf.max, min: tf.min })) {
        const err = compareWithCpu(backend, [input(shape, seed++)], (x) => op(x, axis, keep));
        expect(err, `${name} ${shape} ${axis} ${keep}`).toBeLessThan(TOL);
      }
    }
  });

  it('falls back to cpu for int32 inputs', () => {
    tf.setBackend(backend);
    const r = tf.tidy(() => tf.add(tf.tensor([1, 2, 3], [3], 'int32'), tf.scalar(2, 'int32')).arraySync());
    expect(r).toEqual([3, 4, 5]);
    const s = tf.tidy(() => tf.sum(tf.tensor([1, 2, 3], [3], 'int32')).arraySync());
    expect(s).toBe(6);
  });

  it(`${CURTAIN_ADAM} matches the Adam formula and leaves its inputs untouched`, () => {
    const shape = [37, 11];
    const [w, g, m, v] = [input(shape, 1), input(shape, 2), input(shape, 3, -0.1, 0.1), input(shape, 4, 0, 0.01)];
    const attrs = { lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, step: 3 };
    const out = runOn(backend, [w, g, m, v], (variable, grad, mm, vv) => {
      const r = tf.engine().runKernel(CURTAIN_ADAM, { variable, grad, m: mm, v: vv }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      // Inputs must be unchanged (new tensors are returned).
      expect(Array.from(variable.dataSync())).toEqual(Array.from(w.values));
      expect(Array.from(mm.dataSync())).toEqual(Array.from(m.values));
      return r;
    });
    expect(out).toHaveLength(3);
    const n = w.values.length;
    const want = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
    for (let i = 0; i < n; i++) {
      const gi = g.values[i];
      const mi = attrs.beta1 * m.values[i] + (1 - attrs.beta1) * gi;
      const vi = attrs.beta2 * v.values[i] + (1 - attrs.beta2) * gi * gi;
      const mHat = mi / (1 - attrs.beta1 ** attrs.step),
        vHat = vi / (1 - attrs.beta2 ** attrs.step);
      want[0][i] = w.values[i] - (attrs.lr * mHat) / (Math.sqrt(vHat) + attrs.epsilon);
      want[1][i] = mi;
      want[2][i] = vi;
    }
    for (let k = 0; k < 3; k++) {
      expect(out[k].shape).toEqual(shape);
      const err = Math.max(...Array.from(out[k].values, (x, i) => Math.abs(x - want[k][i]) / Math.max(Math.abs(want[k][i]), 1e-3)));
      expect(err).toBeLessThan(TOL);
    }
  });

  it(`${CURTAIN_ADAM} with a scale input updates as with the gradient multiplied by it`, () => {
    const shape = [5, 9];
    const [w, g, m, v] = [input(shape, 11), input(shape, 12), input(shape, 13, -0.1, 0.1), input(shape, 14, 0, 0.01)];
    const attrs = { lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, step: 2 } as unknown as tf.NamedAttrMap;
    const [scaled, premultiplied] = [true, false].map((fused) =>
      runOn(backend, [w, g, m, v], (variable, grad, mm, vv) =>
        fused
          ? (tf.engine().runKernel(CURTAIN_ADAM, { variable, grad, m: mm, v: vv, scale: tf.scalar(0.37) }, attrs) as tf.Tensor[])
          : (tf.engine().runKernel(CURTAIN_ADAM, { variable, grad: tf.mul(grad, 0.37), m: mm, v: vv }, attrs) as tf.Tensor[]),
      ),
    );
    for (let k = 0; k < 3; k++) {
      const err = Math.max(...Array.from(scaled[k].values, (x, i) => Math.abs(x - premultiplied[k].values[i])));
      expect(err).toBeLessThan(1e-6);
    }
    // and the scale matters: without it the moments differ
    const unscaled = runOn(
      backend,
      [w, g, m, v],
      (variable, grad, mm, vv) => tf.engine().runKernel(CURTAIN_ADAM, { variable, grad, m: mm, v: vv }, attrs) as tf.Tensor[],
    );
    expect(Math.abs(unscaled[1].values[0] - scaled[1].values[0])).toBeGreaterThan(1e-4);
  });

  it(`${CURTAIN_SUM_SQUARES} sums the squares of every input into one scalar`, () => {
    const parts = [input([3, 4], 21), input([1000], 22), input([2, 3, 5], 23)];
    const [out] = runOn(backend, parts, (a, b, c) => [tf.engine().runKernel(CURTAIN_SUM_SQUARES, { a, b, c }) as tf.Tensor]);
    expect(out.shape).toEqual([]);
    const want = parts.reduce((total, p) => total + Array.from(p.values).reduce((s, x) => s + x * x, 0), 0);
    expect(Math.abs(out.values[0] - want) / want).toBeLessThan(1e-6);
  });
});
