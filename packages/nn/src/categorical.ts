import { tf } from '@curtain/core';
import { FUSED_KERNELS, runFused } from './fused.ts';

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
  return runFused(kernel, gradKernel, { logits, labels }, () =>
    tf.tidy(() => tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(labels, logits.shape[1])), 1)) as tf.Tensor1D),
  );
}
