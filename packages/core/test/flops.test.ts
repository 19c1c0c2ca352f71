import { beforeAll, describe, expect, it } from 'vitest';
import { countFlops, kernelFlops, tf, useCpuBackend } from '../src/index.ts';

beforeAll(async () => {
  await useCpuBackend();
});

const flopsOf = (count: Awaited<ReturnType<typeof countFlops>>, kernels: string[]) =>
  count.byKernel.filter((k) => kernels.includes(k.kernel)).reduce((total, k) => total + k.flops, 0);

describe('FLOP counting', () => {
  it('counts a dense layer forward and backward by hand', async () => {
    const [batch, inputs, outputs] = [8, 5, 3];
    const x = tf.randomUniform([batch, inputs]);
    const w = tf.variable(tf.randomNormal([inputs, outputs]));
    const b = tf.variable(tf.zeros([outputs]));
    const forward = await countFlops(() => tf.tidy(() => tf.add(tf.matMul(x, w), b)));
    // x @ w: 2*B*I*O; bias add: B*O
    expect(flopsOf(forward, ['BatchMatMul', 'MatMul'])).toBe(2 * batch * inputs * outputs);
    expect(flopsOf(forward, ['Add'])).toBe(batch * outputs);

    const backward = await countFlops(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.add(tf.matMul(x, w), b)) as tf.Scalar, [w, b]);
      tf.dispose([value, ...Object.values(grads)]);
    });
    // forward 2BIO and dW = x^T dy 2BIO; dx is pruned because x is not a variable
    expect(flopsOf(backward, ['BatchMatMul', 'MatMul'])).toBe(2 * 2 * batch * inputs * outputs);
    // the bias gradient sums dy over the batch: B*O input elements (plus the loss's Sum)
    expect(flopsOf(backward, ['Sum'])).toBe(batch * outputs + batch * outputs);
    tf.dispose([x, w, b]);
  });

  it('counts a strided conv forward and both backprops by hand', async () => {
    const [batch, size, cin, cout, k] = [2, 9, 3, 4, 3];
    const x = tf.variable(tf.randomUniform([batch, size, size, cin])) as unknown as tf.Tensor4D & tf.Variable;
    const filter = tf.variable(tf.randomNormal([k, k, cin, cout])) as unknown as tf.Tensor4D & tf.Variable;
    // SAME, stride 2: ceil(9/2) = 5
    const out = 5;
    const perConv = 2 * batch * out * out * cout * k * k * cin;
    const count = await countFlops(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.conv2d(x, filter, 2, 'same')) as tf.Scalar, [x, filter]);
      tf.dispose([value, ...Object.values(grads)]);
    });
    expect(flopsOf(count, ['Conv2D'])).toBe(perConv);
    expect(flopsOf(count, ['Conv2DBackpropInput'])).toBe(perConv);
    expect(flopsOf(count, ['Conv2DBackpropFilter'])).toBe(perConv);
    tf.dispose([x, filter]);
  });

  it('counts a transposed conv as its Conv2DBackpropInput', () => {
    // dy [1,4,4,8], filter [3,3,2,8] -> dx [1,8,8,2]
    expect(
      kernelFlops(
        'Conv2DBackpropInput',
        [
          [1, 4, 4, 8],
          [3, 3, 2, 8],
        ],
        [[1, 8, 8, 2]],
      ),
    ).toBe(2 * 16 * 8 * 9 * 2);
  });

  it('counts a bias fused into a convolution as the Conv2D and Add it replaces', () => {
    const conv = kernelFlops(
      'Conv2D',
      [
        [2, 6, 6, 3],
        [3, 3, 3, 4],
      ],
      [[2, 6, 6, 4]],
    );
    const add = kernelFlops('Add', [[2, 6, 6, 4], [4]], [[2, 6, 6, 4]]);
    expect(kernelFlops('FusedConv2D', [[2, 6, 6, 3], [3, 3, 3, 4], [4]], [[2, 6, 6, 4]])).toBe(conv + add);
    expect(
      kernelFlops(
        'FusedConv2D',
        [
          [2, 6, 6, 3],
          [3, 3, 3, 4],
        ],
        [[2, 6, 6, 4]],
      ),
    ).toBe(conv);
  });

  it('counts elementwise ops once per output and data movement as free', () => {
    expect(kernelFlops('Relu', [[4, 5]], [[4, 5]])).toBe(20);
    expect(kernelFlops('Reshape', [[4, 5]], [[20]])).toBe(0);
    expect(kernelFlops('Sum', [[4, 5]], [[5]])).toBe(20);
  });

  it('counts the fused softmax cross-entropy as the composed ops it replaces, not per output', () => {
    // logits [10, 256], labels [10] -> nll [10]; the gradient adds dy [10] -> [10, 256]
    expect(kernelFlops('CurtainSoftmaxCrossEntropy', [[10, 256], [10]], [[10]])).toBe(7 * 2560);
    expect(kernelFlops('CurtainSoftmaxCrossEntropyGrad', [[10, 256], [10], [10]], [[10, 256]])).toBe(6 * 2560);
  });
});
