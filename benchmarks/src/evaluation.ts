// The evaluation row of the `sample` suite: what scoring n generated images
// costs (evaluator features of the real and the generated set, FD, KID and
// precision/recall), timed once per backend at n = 10,000 by default. The
// "generated" set is n training digits with uniform noise added, so the
// metrics do real work (no identical rows); the timing does not depend on it.
import { tf } from '@curtain/core';
import { BatchStream, loadDataset } from '@curtain/data';
import { frechetDistance, kernelInceptionDistance, loadEvaluator, precisionRecall } from '@curtain/metrics';
import { round } from './common.ts';

export interface EvaluationTiming {
  n: number;
  totalMs: number;
  featuresMs: number;
  fdMs: number;
  kidMs: number;
  prMs: number;
}

/** n training digits (cycling through the split when n exceeds it), [n, 28, 28, 1]. */
function digits(n: number, seed: number): tf.Tensor4D {
  const set = loadDataset('digits').train;
  const stream = new BatchStream(set, Math.min(n, set.count), seed);
  const parts: tf.Tensor4D[] = [];
  for (let have = 0; have < n; have += set.count) parts.push(stream.next());
  return tf.tidy(() => tf.slice(tf.concat(parts), 0, n) as tf.Tensor4D);
}

export async function timeEvaluation(n: number): Promise<EvaluationTiming> {
  const evaluator = loadEvaluator('digits');
  const real = digits(n, 1);
  const fake = tf.tidy(
    () => tf.clipByValue(tf.add(digits(n, 2), tf.randomUniform(real.shape, -0.2, 0.2, 'float32', 3)), 0, 1) as tf.Tensor4D,
  );
  try {
    const t0 = performance.now();
    const realFeatures = await evaluator.features(real);
    const fakeFeatures = await evaluator.features(fake);
    const t1 = performance.now();
    frechetDistance(realFeatures, fakeFeatures);
    const t2 = performance.now();
    await kernelInceptionDistance(realFeatures, fakeFeatures, { seed: 1 });
    const t3 = performance.now();
    await precisionRecall(realFeatures, fakeFeatures);
    const t4 = performance.now();
    return { n, totalMs: round(t4 - t0), featuresMs: round(t1 - t0), fdMs: round(t2 - t1), kidMs: round(t3 - t2), prMs: round(t4 - t3) };
  } finally {
    tf.dispose([real, fake]);
  }
}
