export * from './batches.ts';
export * from './digits.ts';
export * from './idx.ts';
export * from './image-set.ts';
export * from './load.ts';
export * from './mnist-idx.ts';
export * from './synthetic.ts';
