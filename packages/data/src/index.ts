export * from './image-set.ts';
export * from './digits.ts';
export * from './idx.ts';
export * from './mnist-idx.ts';
export * from './synthetic.ts';
export * from './batches.ts';
export * from './load.ts';
