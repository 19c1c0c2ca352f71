export * from './backend.ts';
export * from './config.ts';
export * from './contract.ts';
export * from './errors.ts';
export * from './flops.ts';
export * from './host.ts';
export * from './leak.ts';
export * from './rng.ts';
export { tf } from './tf.ts';
