export * from './params.ts';
export * from './layers.ts';
export * from './adam.ts';
export * from './ema.ts';
export * from './likelihoods.ts';
export * from './weights.ts';
export * from './sampling.ts';
