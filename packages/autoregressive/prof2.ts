import { tf, useCpuBackend } from '@curtain/core';
await useCpuBackend();
for (const [kh, kw, cin, cout, H, W] of [[4,7,1,12,11,14],[2,3,6,12,9,10],[1,2,6,12,8,9],[3,3,6,12,10,10]]) {
  const x = tf.randomNormal([16, H, W, cin]) as tf.Tensor4D;
  const dy = tf.randomNormal([16, H-kh+1, W-kw+1, cout]) as tf.Tensor4D;
  let t = performance.now();
  for (let i = 0; i < 3; i++) tf.conv2dBackpropFilter?.(x, dy, [kh, kw, cin, cout], 1, 'valid') ?? tf.grad((w: tf.Tensor4D) => tf.sum(tf.mul(tf.conv2d(x, w, 1, 'valid'), dy)))(tf.zeros([kh,kw,cin,cout]));
  console.log(kh,kw,cin,cout,'ms', (performance.now()-t)/3);
}
