export * from './bits.ts';
export * from './evaluator.ts';
export * from './evaluator-net.ts';
export * from './feature-matrix.ts';
export * from './frechet.ts';
export * from './kid.ts';
export * from './precision-recall.ts';
export * from './quality.ts';
