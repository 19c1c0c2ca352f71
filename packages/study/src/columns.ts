import { HOST_COLUMNS } from '@curtain/core';

/**
 * The columns of runs.csv, in order. One row is one (variant, size, seed,
 * budget, sampler) evaluation; `run_key` hashes everything that defines it.
 * `split` is `selection` for the preset's selection seeds (used only to
 * choose sizes and samplers, never reported) and `report` otherwise;
 * `train_flops` is what training actually spent (whole steps);
 * `class_confident` / `class_score` come from the evaluator's classifier;
 * `bpd_terms` splits a bound into its named terms (JSON, bits/dim each; DDPM);
 * `prediction_error_ratio` is the VAE hierarchy's treatment check.
 */
export const RUN_COLUMNS = [
  'run_key',
  'job_key',
  'paradigm',
  'variant',
  'sampler',
  'size',
  'seed',
  'split',
  'budget_flops',
  'flops_per_step',
  'steps',
  'train_flops',
  'train_seconds',
  'status',
  'fd',
  'kid',
  'kid_std',
  'precision',
  'recall',
  'class_confident',
  'class_score',
  'bpd',
  'bpd_kind',
  'bpd_terms',
  'prediction_error_ratio',
  'network_evals',
  'sample_flops',
  'sample_ms',
  'eval_samples',
  'evaluator_id',
  'dataset',
  'protocol',
  'params',
  'note',
  'config',
  ...HOST_COLUMNS,
  'finished_at',
] as const;

export type RunColumn = (typeof RUN_COLUMNS)[number];
export type RunRow = Record<RunColumn, string | number>;

/** Rows read back from CSV: every value is a string ('' for empty). */
export type CsvRow = Record<string, string>;

/** Variants that are reference rows rather than models (defined with their images in @curtain/metrics). */
export { REFERENCE_VARIANTS } from '@curtain/metrics';

export const num = (value: string | number | undefined): number => (value === undefined || value === '' ? Number.NaN : Number(value));
