import { type CsvRow, num } from '../columns.ts';
import { meanInterval } from '../stats.ts';
import { latestRuns } from '../summarize.ts';

/** Human labels of the reference rows the study may write (others show their variant name). */
const REFERENCE_LABELS: Record<string, string> = {
  data: 'real held-out data',
  'mean-image': 'mean image (learned nothing)',
  noise: 'uniform noise',
};

export interface ReferenceLevel {
  variant: string;
  label: string;
  fd: number;
}

/** Mean FD of every reference variant in runs.csv (data, mean-image, noise, ...), lowest first. */
export function referenceLevels(rows: CsvRow[]): ReferenceLevel[] {
  const references = latestRuns(rows).filter((r) => r.paradigm === 'reference');
  const variants = [...new Set(references.map((r) => r.variant))];
  return variants
    .map((variant) => ({
      variant,
      label: REFERENCE_LABELS[variant] ?? variant,
      fd: meanInterval(references.filter((r) => r.variant === variant).map((r) => num(r.fd))).mean,
    }))
    .filter((r) => Number.isFinite(r.fd))
    .sort((a, b) => a.fd - b.fd);
}

/** Paradigm (gan, vae, ...) of each variant, from runs.csv. */
export function paradigmOf(rows: CsvRow[]): (variant: string) => string {
  const map = new Map(rows.filter((r) => r.paradigm !== 'reference').map((r) => [r.variant, r.paradigm]));
  return (variant) => map.get(variant) ?? variant;
}
