import { tf } from '@curtain/core';

/**
 * The discretised logistic NLL of @curtain/nn (Salimans et al. 2017), nats per
 * element, with its
 * one comparison on the gradient path (`cdfDelta > 1e-5`) written as
 * `greaterEqual`: tfjs 4.22 registers no gradient for Greater (nor Less,
 * LessEqual, LogicalNot), so nn's version throws "gradient function not found
 * for Greater" when differentiated with respect to the mean or log-scale. The
 * values equal nn's (a test checks it); drop this file once nn's is differentiable.
 */
export function logisticNll(x: tf.Tensor, mean: tf.Tensor, logScale: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const xs = tf.sub(tf.mul(x, 2), 1); // [-1, 1]
    const centered = tf.sub(xs, mean);
    const clampedLogScale = tf.maximum(logScale, -7);
    const invScale = tf.exp(tf.neg(clampedLogScale));
    const plusIn = tf.mul(invScale, tf.add(centered, 1 / 255));
    const minIn = tf.mul(invScale, tf.sub(centered, 1 / 255));
    const cdfDelta = tf.sub(tf.sigmoid(plusIn), tf.sigmoid(minIn));
    const logCdfPlus = tf.sub(plusIn, tf.softplus(plusIn)); // lowest bin: log CDF(x + 1/255)
    const logOneMinusCdfMin = tf.neg(tf.softplus(minIn)); // highest bin: log (1 - CDF(x - 1/255))
    const midIn = tf.mul(invScale, centered);
    const logPdfMid = tf.sub(tf.sub(tf.sub(midIn, clampedLogScale), tf.mul(2, tf.softplus(midIn))), Math.log(127.5));
    // the one comparison on the gradient path must be GreaterEqual (the only comparison with a registered gradient)
    const logMid = tf.where(tf.greaterEqual(cdfDelta, 1e-5), tf.log(tf.maximum(cdfDelta, 1e-12)), logPdfMid);
    const logProb = tf.where(tf.less(xs, -0.999), logCdfPlus, tf.where(tf.greater(xs, 0.999), logOneMinusCdfMin, logMid));
    return tf.neg(logProb);
  });
}
