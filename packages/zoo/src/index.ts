export * from './backend.ts';
export * from './bench-columns.ts';
export * from './registry.ts';
