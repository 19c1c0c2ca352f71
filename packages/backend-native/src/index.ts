// @curtain/backend-native: an N-API addon registered as the tfjs backend 'native'.

export { NativeBackend } from './backend.ts';
export type { GemmChoice, NativeOptions } from './config.ts';
export { threadsFromEnv } from './config.ts';
export {
  CURTAIN_GATE,
  CURTAIN_GATE_GRAD,
  CURTAIN_RELU,
  CURTAIN_RELU_GRAD,
  CURTAIN_SILU,
  CURTAIN_SILU_GRAD,
} from './kernels/activations.ts';
export type { CurtainAdamAttrs } from './kernels/adam.ts';
export { CURTAIN_ADAM, CURTAIN_SUM_SQUARES } from './kernels/adam.ts';
export { CURTAIN_SOFTMAX_XENT, CURTAIN_SOFTMAX_XENT_GRAD } from './kernels/softmax.ts';
export type { NativeRegistration } from './register.ts';
export { nativeAvailability, nativeInfo, registerNativeBackend } from './register.ts';
