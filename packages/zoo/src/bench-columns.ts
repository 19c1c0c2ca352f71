// The benchmark CSV schema: the columns the suites in @curtain/benchmarks write
// and the study's report and comparison read. Defined once, here, because both
// packages sit above this one and neither depends on the other.

/** Benchmark CSV columns, in the order the console table prints them. */
export const BENCH_COLUMNS = [
  'case',
  'variant',
  'sampler',
  'backend',
  'blas',
  'threads',
  'batch',
  'network_evals',
  'ms_per_step',
  'examples_per_s',
  'gflops',
  'peer_examples_per_s',
  'ms_per_sample',
  'flops_per_sample',
  'peer_ms_per_sample',
  'peer_ratio',
  'repeats',
  'leak_tensors_delta',
  'leak_rss_delta_mb',
  'note',
] as const;

export type BenchColumn = (typeof BENCH_COLUMNS)[number];

/** The suites whose CSVs (DIR/bench/<suite>.csv) the report renders. */
export const BENCH_SUITES = ['engine', 'train', 'sample'] as const;
export type BenchSuiteName = (typeof BENCH_SUITES)[number];
