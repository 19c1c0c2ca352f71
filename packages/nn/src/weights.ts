import type { tf } from '@curtain/core';

/** Copies of every variable's values, for "did this step change the weights" checks (read back with data(), so any backend). */
export async function snapshotWeights(vars: tf.Variable[]): Promise<Float32Array[]> {
  return Promise.all(vars.map(async (v) => Float32Array.from((await v.data()) as Float32Array)));
}

/** The largest absolute change of any weight since `before`. */
export async function maxWeightChange(before: Float32Array[], vars: tf.Variable[]): Promise<number> {
  const now = await snapshotWeights(vars);
  let max = 0;
  now.forEach((values, i) => {
    for (let j = 0; j < values.length; j++) max = Math.max(max, Math.abs(values[j] - before[i][j]));
  });
  return max;
}
