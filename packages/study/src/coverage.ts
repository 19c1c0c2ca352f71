import { type CsvRow, num } from './columns.ts';
import type { StudyJson } from './comparable.ts';

/** How many of a variant's planned (seed, budget) runs a folder holds. */
export interface VariantCoverage {
  variant: string;
  have: number;
  planned: number;
}

/**
 * The preset's reported runs (each variant at each seed and each budget up to
 * its cap) against the rows present, per variant: an unfinished study's report
 * says what it is missing instead of reading as the whole grid. Selection runs
 * and reference rows do not count.
 */
export function coverage(preset: NonNullable<StudyJson['preset']>, rows: CsvRow[]): VariantCoverage[] {
  const { variants = [], seeds = [], budgets = [], budgetCaps = {} } = preset;
  return variants.map((variant) => {
    const cap = budgetCaps[variant] ?? Number.POSITIVE_INFINITY;
    const plannedBudgets = budgets.filter((b) => b <= cap);
    const present = new Set(
      rows
        .filter((r) => r.variant === variant && r.split !== 'selection' && seeds.includes(num(r.seed)))
        .filter((r) => plannedBudgets.includes(num(r.budget_flops)))
        .map((r) => `${r.seed}@${r.budget_flops}`),
    );
    return { variant, have: present.size, planned: seeds.length * plannedBudgets.length };
  });
}

/** A sentence naming what an unfinished study lacks, or '' when every planned run is present. */
export function coverageSentence(preset: StudyJson['preset'], rows: CsvRow[], command: string): string {
  if (!preset?.variants || !preset.seeds || !preset.budgets) return '';
  const all = coverage(preset, rows);
  const short = all.filter((c) => c.have < c.planned);
  if (short.length === 0) return '';
  const have = all.reduce((a, c) => a + c.have, 0);
  const planned = all.reduce((a, c) => a + c.planned, 0);
  return `**This study is unfinished**: the folder holds ${have} of the ${planned} planned (variant, seed, budget) runs; short: ${short.map((c) => `${c.variant} ${c.have} of ${c.planned}`).join(', ')}. Every number below comes from the runs present; \`${command}\` resumes the rest.`;
}
