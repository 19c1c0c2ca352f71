// Non-saturating GAN losses (Goodfellow et al. 2014, https://arxiv.org/abs/1406.2661) on
// logits, and the R1 penalty (Mescheder et al. 2018, https://arxiv.org/abs/1801.04406).
import { tf } from '@curtain/core';
import type { Net } from './networks.ts';

/** -log sigmoid(D(real)) - log(1 - sigmoid(D(fake))), batch mean. */
export function discriminatorLoss(realLogits: tf.Tensor1D, fakeLogits: tf.Tensor1D): tf.Scalar {
  return tf.add(tf.mean(tf.softplus(tf.neg(realLogits))), tf.mean(tf.softplus(fakeLogits))) as tf.Scalar;
}

/** -log sigmoid(D(G(z))), batch mean (the non-saturating generator loss). */
export function generatorLoss(fakeLogits: tf.Tensor1D): tf.Scalar {
  return tf.mean(tf.softplus(tf.neg(fakeLogits))) as tf.Scalar;
}

/**
 * gamma / 2 * E ||grad_x D(x)||^2 on real images x [B, H, W, C]. Differentiable
 * with respect to D's weights (a gradient of a gradient), so it can sit
 * inside the discriminator's loss.
 */
export function r1Penalty(discriminator: Net<tf.Tensor4D, tf.Tensor1D>, real: tf.Tensor4D, gamma: number): tf.Scalar {
  const gradient = tf.grad((x: tf.Tensor) => tf.sum(discriminator(x as tf.Tensor4D)))(real); // [B, H, W, C]
  return tf.mul(gamma / 2, tf.mean(tf.sum(tf.square(gradient), [1, 2, 3]))) as tf.Scalar;
}
