import { parseArgs } from 'node:util';
import { UsageError } from '@curtain/core';
import { parseShard, type Shard } from './plan.ts';
import { ALL_VARIANTS, getPreset, type Preset, parseBudget } from './presets.ts';

export interface StudyArgs {
  preset: Preset;
  outDir: string;
  dataset: string;
  dataDir?: string;
  backend?: string;
  shard?: Shard;
  dryRun: boolean;
  /** Re-render the report from an existing runs.csv without training anything. */
  renderOnly: boolean;
}

/**
 * Flags shared by `pnpm study` and `pnpm reports`. --variants, --budgets and
 * --seeds narrow or override the preset (the run keys record the result).
 */
export function parseStudyArgs(argv: string[]): StudyArgs {
  let parsed: ReturnType<typeof parseStudyFlags>;
  try {
    parsed = parseStudyFlags(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return resolveStudyArgs(parsed);
}

function parseStudyFlags(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      preset: { type: 'string', default: 'quick' },
      out: { type: 'string' },
      dataset: { type: 'string', default: 'digits' },
      'data-dir': { type: 'string' },
      backend: { type: 'string' },
      shard: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      'render-only': { type: 'boolean', default: false },
      variants: { type: 'string' },
      budgets: { type: 'string' },
      seeds: { type: 'string' },
      samples: { type: 'string' },
    },
    allowPositionals: false,
  });
}

function resolveStudyArgs(parsed: ReturnType<typeof parseStudyFlags>): StudyArgs {
  const v = parsed.values;
  let preset = getPreset(v.preset as string);
  if (v.variants) {
    const names = (v.variants as string)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const name of names) {
      if (!(ALL_VARIANTS as readonly string[]).includes(name)) {
        throw new UsageError(`--variants: unknown paradigm '${name}'; expected one of ${ALL_VARIANTS.join(', ')}`);
      }
    }
    preset = { ...preset, variants: names };
  }
  if (v.budgets) preset = { ...preset, budgets: (v.budgets as string).split(',').map((b) => parseBudget(b)) };
  if (v.seeds) {
    const seeds = (v.seeds as string).split(',').map(Number);
    if (seeds.some((s) => !Number.isInteger(s))) throw new UsageError(`--seeds: expected comma-separated integers, got '${v.seeds}'`);
    preset = { ...preset, seeds };
  }
  if (v.samples) {
    const n = Number(v.samples);
    if (!Number.isInteger(n) || n < 8) throw new UsageError(`--samples: expected an integer >= 8, got '${v.samples}'`);
    preset = { ...preset, evalSamples: n };
  }
  return {
    preset,
    outDir: (v.out as string | undefined) ?? `reports/${preset.name}`,
    dataset: v.dataset as string,
    dataDir: v['data-dir'] as string | undefined,
    backend: v.backend as string | undefined,
    shard: v.shard ? parseShard(v.shard as string) : undefined,
    dryRun: Boolean(v['dry-run']),
    renderOnly: Boolean(v['render-only']),
  };
}
