import { tf } from '@curtain/core';
import { FUSED_KERNELS, hasKernels } from './fused.ts';

/**
 * Negative log-likelihood in nats of integer labels under categoricals with
 * unnormalised log-probabilities `logits`: logsumexp(logits[i]) -
 * logits[i, labels[i]]. logits [N, K], labels int32 [N] in [0, K) -> [N].
 * Gradient w.r.t. logits: dy * (softmax(logits) - onehot(labels)).
 * One fused kernel each way where the active backend registers them
 * (PixelCNN's 256-way output); otherwise log-softmax and a one-hot pick.
 */
export function softmaxCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  const { softmaxCrossEntropy: kernel, softmaxCrossEntropyGrad: gradKernel } = FUSED_KERNELS;
  if (!hasKernels(kernel, gradKernel)) {
    return tf.tidy(() => tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(labels, logits.shape[1])), 1)) as tf.Tensor1D);
  }
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([x, labels]);
    const value = tf.engine().runKernel(kernel, { logits: x, labels }, {}) as tf.Tensor1D;
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) =>
      tf.engine().runKernel(gradKernel, { logits: saved[0], labels: saved[1], dy }, {}) as tf.Tensor2D;
    return { value, gradFunc };
  });
  return op(logits) as tf.Tensor1D;
}
