export * from './adam.ts';
export * from './categorical.ts';
export * from './ema.ts';
export * from './layers.ts';
export * from './likelihoods.ts';
export * from './params.ts';
export * from './sampling.ts';
export * from './weights.ts';
