import { tf } from './tf.ts';

export class TensorLeakError extends Error {
  override name = 'TensorLeakError';
}

/**
 * Runs `fn` and throws TensorLeakError if it leaves more tensors alive than it
 * found (beyond `allowed`, e.g. the tensor it returns on purpose).
 */
export function assertNoLeak<T>(label: string, fn: () => T, allowed = 0): T {
  const before = tf.memory().numTensors;
  const result = fn();
  const leaked = tf.memory().numTensors - before - allowed;
  if (leaked > 0) throw new TensorLeakError(`${label} leaked ${leaked} tensor${leaked === 1 ? '' : 's'}`);
  return result;
}

/** The asynchronous form of assertNoLeak. */
export async function assertNoLeakAsync<T>(label: string, fn: () => Promise<T>, allowed = 0): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  const leaked = tf.memory().numTensors - before - allowed;
  if (leaked > 0) throw new TensorLeakError(`${label} leaked ${leaked} tensor${leaked === 1 ? '' : 's'}`);
  return result;
}
