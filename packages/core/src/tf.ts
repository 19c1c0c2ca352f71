// The one TensorFlow.js import of the project. The umbrella package is used
// (not tfjs-core alone) because only its Node bundle registers the gradient of
// every kernel; tfjs-core keeps one engine and kernel registry per process, so
// packages that import '@tensorflow/tfjs-core' directly share it.
import * as tf from '@tensorflow/tfjs';

export { tf };
