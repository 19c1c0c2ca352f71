export { tf } from './tf.ts';
export * from './contract.ts';
export * from './errors.ts';
export * from './config.ts';
export * from './rng.ts';
export * from './backend.ts';
export * from './flops.ts';
export * from './host.ts';
export * from './leak.ts';
