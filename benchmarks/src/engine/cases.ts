// The two engine reference cases (mlp, conv-ae) as raw tfjs-core training steps.
// Both optimise MSE(reconstruction, input) with Adam(1e-3); the fused
// CurtainAdam kernel is used when the active backend registers it.
import * as tf from '@tensorflow/tfjs-core';

export interface EngineCase {
  name: 'mlp' | 'conv-ae';
  batch: number;
  /** Training FLOPs per step (forward + input and weight gradients), counted from shapes. */
  flopsPerStep: number;
  /** Builds fresh variables and returns a step function that returns the loss (read back). */
  /** step() trains once and resolves to the loss, read back with data() (any backend; PyTorch's peers read .item() too). */
  build(seed?: number): { step(): Promise<number>; dispose(): void; numParams: number };
}

type Layer = { fwdFlops: number; params: number };

/** Train FLOPs: forward, weight gradient (same as forward) and input gradient (all but the first layer). */
function trainFlops(layers: Layer[]): number {
  return layers.reduce((s, l, i) => s + l.fwdFlops * (i === 0 ? 2 : 3), 0);
}
const dense = (b: number, i: number, o: number): Layer => ({ fwdFlops: 2 * b * i * o, params: i * o + o });
// A conv (or transposed conv, counted as the conv it transposes) over `pixels` output positions.
const conv = (b: number, pixels: number, k: number, cin: number, cout: number): Layer => ({
  fwdFlops: 2 * b * pixels * k * k * cin * cout,
  params: k * k * cin * cout + cout,
});

const MLP_LAYERS = (b: number) => [dense(b, 784, 512), dense(b, 512, 512), dense(b, 512, 784)];
const CONV_AE_LAYERS = (b: number) => [
  conv(b, 14 * 14, 3, 1, 32),
  conv(b, 7 * 7, 3, 32, 64),
  dense(b, 3136, 256),
  dense(b, 256, 3136),
  conv(b, 7 * 7, 3, 32, 64) /* convT 7x7x64 -> 14x14x32 */,
  conv(b, 14 * 14, 3, 1, 32) /* convT -> 28x28x1 */,
];

function glorot(shape: number[], fanIn: number, fanOut: number, seed: number): tf.Variable {
  const lim = Math.sqrt(6 / (fanIn + fanOut));
  return varOf(tf.randomUniform(shape, -lim, lim, 'float32', seed));
}

/** A variable initialised from t, disposing t (tf.variable keeps its own reference). */
function varOf(t: tf.Tensor): tf.Variable {
  const v = tf.variable(t);
  t.dispose();
  return v;
}
const zerosVar = (n: number) => varOf(tf.zeros([n]));

function makeAdam(vars: tf.Variable[]) {
  const lr = 1e-3,
    beta1 = 0.9,
    beta2 = 0.999,
    epsilon = 1e-7;
  const fused = tf.getKernel('CurtainAdam', tf.getBackend()) !== undefined;
  const opt = fused ? undefined : tf.train.adam(lr, beta1, beta2, epsilon);
  let m: tf.Tensor[] = vars.map((v) => tf.zerosLike(v));
  let s: tf.Tensor[] = vars.map((v) => tf.zerosLike(v));
  let t = 0;
  return {
    fused,
    apply(grads: tf.NamedTensorMap) {
      if (opt) {
        opt.applyGradients(grads as Parameters<typeof opt.applyGradients>[0]);
        return;
      }
      t += 1;
      vars.forEach((v, i) => {
        const [nv, nm, ns] = tf
          .engine()
          .runKernel(
            'CurtainAdam',
            { variable: v, grad: grads[v.name], m: m[i], v: s[i] },
            { lr, beta1, beta2, epsilon, step: t },
          ) as tf.Tensor[];
        v.assign(nv);
        nv.dispose();
        m[i].dispose();
        s[i].dispose();
        m[i] = nm;
        s[i] = ns;
      });
    },
    dispose() {
      opt?.dispose();
      tf.dispose([...m, ...s]);
      m = [];
      s = [];
    },
  };
}

function trainer(vars: tf.Variable[], input: tf.Tensor, forward: (x: tf.Tensor) => tf.Tensor) {
  const adam = makeAdam(vars);
  return {
    numParams: vars.reduce((n, v) => n + v.size, 0),
    async step(): Promise<number> {
      const { value, grads } = tf.variableGrads(() => tf.losses.meanSquaredError(input, forward(input)) as tf.Scalar, vars);
      adam.apply(grads);
      tf.dispose(Object.values(grads));
      try {
        return (await value.data())[0];
      } finally {
        value.dispose();
      }
    },
    dispose() {
      adam.dispose();
      tf.dispose([...vars, input]);
    },
  };
}

export const mlpCase: EngineCase = {
  name: 'mlp',
  batch: 128,
  flopsPerStep: trainFlops(MLP_LAYERS(128)),
  build(seed = 1) {
    const b = 128;
    const w1 = glorot([784, 512], 784, 512, seed),
      b1 = zerosVar(512);
    const w2 = glorot([512, 512], 512, 512, seed + 1),
      b2 = zerosVar(512);
    const w3 = glorot([512, 784], 512, 784, seed + 2),
      b3 = zerosVar(784);
    const x = tf.randomUniform([b, 784], 0, 1, 'float32', seed + 3);
    return trainer([w1, b1, w2, b2, w3, b3], x, (x) => {
      const h1 = tf.relu(tf.add(tf.matMul(x, w1), b1));
      const h2 = tf.relu(tf.add(tf.matMul(h1, w2), b2));
      return tf.add(tf.matMul(h2, w3), b3);
    });
  },
};

export const convAeCase: EngineCase = {
  name: 'conv-ae',
  batch: 64,
  flopsPerStep: trainFlops(CONV_AE_LAYERS(64)),
  build(seed = 1) {
    const b = 64;
    const k1 = glorot([3, 3, 1, 32], 9, 288, seed),
      c1 = zerosVar(32);
    const k2 = glorot([3, 3, 32, 64], 288, 576, seed + 1),
      c2 = zerosVar(64);
    const w3 = glorot([3136, 256], 3136, 256, seed + 2),
      d3 = zerosVar(256);
    const w4 = glorot([256, 3136], 256, 3136, seed + 3),
      d4 = zerosVar(3136);
    // conv2dTranspose filters are [k, k, outChannels, inChannels].
    const k5 = glorot([3, 3, 32, 64], 576, 288, seed + 4),
      c5 = zerosVar(32);
    const k6 = glorot([3, 3, 1, 32], 288, 9, seed + 5),
      c6 = zerosVar(1);
    const x = tf.randomUniform([b, 28, 28, 1], 0, 1, 'float32', seed + 6);
    return trainer([k1, c1, k2, c2, w3, d3, w4, d4, k5, c5, k6, c6], x, (x) => {
      const h1 = tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, k1 as tf.Tensor4D, 2, 'same'), c1)) as tf.Tensor4D; // [B,14,14,32]
      const h2 = tf.relu(tf.add(tf.conv2d(h1, k2 as tf.Tensor4D, 2, 'same'), c2)); // [B,7,7,64]
      const z = tf.relu(tf.add(tf.matMul(tf.reshape(h2, [b, 3136]), w3), d3)); // [B,256]
      const h4 = tf.relu(tf.add(tf.matMul(z, w4), d4)); // [B,3136]
      const h5 = tf.relu(
        tf.add(tf.conv2dTranspose(tf.reshape(h4, [b, 7, 7, 64]) as tf.Tensor4D, k5 as tf.Tensor4D, [b, 14, 14, 32], 2, 'same'), c5),
      ); // [B,14,14,32]
      return tf.add(tf.conv2dTranspose(h5 as tf.Tensor4D, k6 as tf.Tensor4D, [b, 28, 28, 1], 2, 'same'), c6); // [B,28,28,1]
    });
  },
};

export const engineCases: EngineCase[] = [mlpCase, convAeCase];
