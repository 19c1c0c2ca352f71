import { type CsvRow, num } from './columns.ts';

/**
 * Choosing what represents a variant or a paradigm at one budget, without
 * flattering it (winner's curse). The rule is fixed in advance:
 *
 * - Rows carry a `split`: `selection` rows come from the preset's selection
 *   seeds (separate training runs), `report` rows from its reported seeds.
 * - The representative is the candidate (size, variant, sampler) with the
 *   lowest mean FD over the selection rows; the reported numbers are that
 *   candidate's report rows only, so no reported number took part in the choice.
 * - Folders without selection rows (studies run before the split existed)
 *   fall back to cross-fitting: the candidate reported for seed s is the one
 *   with the lowest mean FD over the other reported seeds.
 */
export interface Candidate {
  paradigm: string;
  variant: string;
  sampler: string;
  size: string;
  /** Report-split rows by seed. */
  report: Map<number, CsvRow>;
  /** Selection-split rows. */
  selection: CsvRow[];
}

export interface Choice {
  /** The candidate reported for each reported seed (one candidate for all seeds unless cross-fitted). */
  bySeed: Map<number, Candidate>;
  /** How the choice was made, for summary.csv. */
  selectedOn: string;
}

/** A row's split: rows written before the column existed are report rows. */
export const splitOf = (row: CsvRow): 'selection' | 'report' => (row.split === 'selection' ? 'selection' : 'report');

/** Groups model rows into candidates (one per paradigm, variant, sampler and size). */
export function candidatesOf(rows: CsvRow[]): Candidate[] {
  const byId = new Map<string, Candidate>();
  for (const row of rows) {
    const id = [row.paradigm, row.variant, row.sampler, row.size].join('\u0000');
    let candidate = byId.get(id);
    if (!candidate) {
      candidate = { paradigm: row.paradigm, variant: row.variant, sampler: row.sampler, size: row.size, report: new Map(), selection: [] };
      byId.set(id, candidate);
    }
    if (splitOf(row) === 'selection') candidate.selection.push(row);
    else candidate.report.set(num(row.seed), row);
  }
  return [...byId.values()];
}

const meanFinite = (xs: number[]): number => {
  const finite = xs.filter(Number.isFinite);
  return finite.length === 0 ? Number.NaN : finite.reduce((a, b) => a + b, 0) / finite.length;
};

/** The candidate with the lowest finite score (first in order on ties), if any. */
function lowest<T>(items: T[], score: (item: T) => number): T | undefined {
  let best: T | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const item of items) {
    const s = score(item);
    if (Number.isFinite(s) && s < bestScore) {
      best = item;
      bestScore = s;
    }
  }
  return best;
}

/** Applies the rule above to candidates of one budget. */
export function chooseRepresentative(candidates: Candidate[]): Choice | undefined {
  if (candidates.length === 0) return undefined;
  const seedsOf = (c: Candidate) => [...c.report.keys()];
  const withSelection = candidates.filter((c) => c.selection.length > 0);
  if (withSelection.length > 0) {
    const chosen = lowest(withSelection, (c) => meanFinite(c.selection.map((r) => num(r.fd))));
    if (!chosen) return undefined;
    const selectionSeeds = [...new Set(chosen.selection.map((r) => r.seed))].join(' ');
    return { bySeed: new Map(seedsOf(chosen).map((s) => [s, chosen])), selectedOn: `selection seed ${selectionSeeds}` };
  }
  if (candidates.length === 1) {
    return { bySeed: new Map(seedsOf(candidates[0]).map((s) => [s, candidates[0]])), selectedOn: 'only candidate' };
  }
  const seeds = [...new Set(candidates.flatMap(seedsOf))].sort((a, b) => a - b);
  const bySeed = new Map<number, Candidate>();
  for (const seed of seeds) {
    const others = (c: Candidate) => meanFinite([...c.report].filter(([s]) => s !== seed).map(([, r]) => num(r.fd)));
    const chosen = lowest(
      candidates.filter((c) => c.report.has(seed)),
      others,
    );
    if (chosen) bySeed.set(seed, chosen);
  }
  return bySeed.size === 0 ? undefined : { bySeed, selectedOn: 'cross-fit (no selection rows): each seed chosen on the others' };
}

/** The rows a choice reports, by seed. */
export function chosenRows(choice: Choice): Map<number, CsvRow> {
  return new Map([...choice.bySeed].map(([seed, c]) => [seed, c.report.get(seed)!]));
}

/** Distinct values of what the choice picked, joined with '|' (one value unless cross-fitted). */
export function chosenLabel(choice: Choice, part: (c: Candidate) => string): string {
  return [...new Set([...choice.bySeed.values()].map(part))].join('|');
}

/**
 * Where the chosen size sits in the grid of sizes tried for its variant
 * (ordered by parameter count): `smallest` or `largest` (the optimum may lie
 * outside the grid), `only` (one size tried), `no` (inside the grid).
 */
export function sizeAtEdge(choice: Choice, all: Candidate[]): string {
  const labels = [...new Set([...choice.bySeed.values()].map((c) => sizeEdgeOf(c, all)))];
  return labels.join('|');
}

function sizeEdgeOf(chosen: Candidate, all: Candidate[]): string {
  const paramsOf = (c: Candidate) => meanFinite([...c.report.values(), ...c.selection].map((r) => num(r.params)));
  const sizes = new Map<string, number>();
  for (const c of all.filter((c) => c.variant === chosen.variant)) sizes.set(c.size, paramsOf(c));
  const ordered = [...sizes].sort(([sa, pa], [sb, pb]) => (Number.isFinite(pa) && Number.isFinite(pb) ? pa - pb : sa.localeCompare(sb)));
  if (ordered.length <= 1) return 'only';
  const position = ordered.findIndex(([s]) => s === chosen.size);
  return position === 0 ? 'smallest' : position === ordered.length - 1 ? 'largest' : 'no';
}
