import type { tf } from '@curtain/core';

/** Copies of every variable's values, for "did this step change the weights" checks. */
export function snapshotWeights(vars: tf.Variable[]): Float32Array[] {
  return vars.map((v) => Float32Array.from(v.dataSync() as Float32Array));
}

/** The largest absolute change of any weight since `before`. */
export function maxWeightChange(before: Float32Array[], vars: tf.Variable[]): number {
  let max = 0;
  vars.forEach((v, i) => {
    const now = v.dataSync();
    for (let j = 0; j < now.length; j++) max = Math.max(max, Math.abs(now[j] - before[i][j]));
  });
  return max;
}
