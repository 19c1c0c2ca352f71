import { tf } from '@curtain/core';

/** ln 2: nats per bit. */
export const LN2 = Math.log(2);

/** nats per image -> bits per dimension. */
export function natsToBitsPerDim(nats: number, dims: number): number {
  return nats / (dims * LN2);
}

/**
 * Negative log-likelihood (nats, per element) of 8-bit data x in [0, 1] under a
 * discretised logistic (Salimans et al. 2017, PixelCNN++): the logistic's mass
 * on the bin of width 2/255 around x (data mapped to [-1, 1]), with the edge
 * bins taking the tails. Shapes of x, mean and logScale broadcast.
 */
export function discretizedLogisticNll(x: tf.Tensor, mean: tf.Tensor, logScale: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const xs = tf.sub(tf.mul(x, 2), 1); // [-1, 1]
    const centered = tf.sub(xs, mean);
    const clampedLogScale = tf.maximum(logScale, -7);
    const invScale = tf.exp(tf.neg(clampedLogScale));
    const plusIn = tf.mul(invScale, tf.add(centered, 1 / 255));
    const minIn = tf.mul(invScale, tf.sub(centered, 1 / 255));
    const cdfPlus = tf.sigmoid(plusIn);
    const cdfMin = tf.sigmoid(minIn);
    // log CDF at the lower edge bin and log (1 - CDF) at the upper edge bin
    const logCdfPlus = tf.sub(plusIn, tf.softplus(plusIn));
    const logOneMinusCdfMin = tf.neg(tf.softplus(minIn));
    const cdfDelta = tf.sub(cdfPlus, cdfMin);
    // middle bins: log(cdfDelta), guarded; where the bin is tiny use the density
    const midIn = tf.mul(invScale, centered);
    // log density at the bin centre times the bin width 2/255
    const logPdfMid = tf.sub(tf.sub(tf.sub(midIn, clampedLogScale), tf.mul(2, tf.softplus(midIn))), Math.log(127.5));
    const logMid = tf.where(tf.greaterEqual(cdfDelta, 1e-5), tf.log(tf.maximum(cdfDelta, 1e-12)), logPdfMid);
    const logProb = tf.where(tf.less(xs, -0.999), logCdfPlus, tf.where(tf.greater(xs, 0.999), logOneMinusCdfMin, logMid));
    return tf.neg(logProb);
  });
}

/**
 * KL(N(muQ, exp(logVarQ)) || N(muP, exp(logVarP))), elementwise, in nats:
 * 0.5 * (logVarP - logVarQ + (exp(logVarQ) + (muQ - muP)^2) / exp(logVarP) - 1).
 */
export function gaussianKl(muQ: tf.Tensor, logVarQ: tf.Tensor, muP: tf.Tensor, logVarP: tf.Tensor): tf.Tensor {
  return tf.tidy(() =>
    tf.mul(0.5, tf.sub(tf.add(tf.sub(logVarP, logVarQ), tf.div(tf.add(tf.exp(logVarQ), tf.square(tf.sub(muQ, muP))), tf.exp(logVarP))), 1)),
  );
}

/** log N(x; mu, exp(logVar)), elementwise, in nats. */
export function gaussianLogDensity(x: tf.Tensor, mu: tf.Tensor, logVar: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(-0.5, tf.add(tf.add(Math.log(2 * Math.PI), logVar), tf.div(tf.square(tf.sub(x, mu)), tf.exp(logVar)))));
}
