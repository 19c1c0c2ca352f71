import { availableParallelism } from 'node:os';
import { UsageError } from '@curtain/core';
import { VARIANTS } from '@curtain/zoo';
import { type CommandSpec, type FlagSpec, type ParsedCommand, parseCommand } from './cli-command.ts';
import { parseShard, type Shard } from './plan.ts';
import { getPreset, PRESETS, type Preset, parseBudget } from './presets.ts';

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
  /** Report the health of the --out folder (runs.csv, study.json, lock) without training. */
  check: boolean;
  /** Keep finished jobs' checkpoints instead of removing them. */
  keepCheckpoints: boolean;
  /** Single-threaded study processes sharing the folder (default: one per core). */
  workers: number;
}

/** Datasets read from IDX files in --data-dir; the others ignore it, so passing it is a mistake. */
const DATA_DIR_DATASETS = ['mnist', 'fashion-mnist'];

/** Splits a comma-separated flag value; an empty entry (`1,`, `,`) is an error, never a default. */
export function listFlag(flag: string, text: string): string[] {
  const items = text.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) {
    throw new UsageError(`${flag}: empty entry in '${text}'; expected a comma-separated list with no empty items`);
  }
  return items;
}

function positiveInteger(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag}: expected a positive integer, got '${text}'`);
  return n;
}

/** Flags shared by `pnpm study` and `pnpm reports`; --variants, --budgets and --seeds narrow or override the preset. */
export function studyCommandSpec(command: 'study' | 'reports'): CommandSpec {
  return {
    name: `pnpm ${command}`,
    summary:
      command === 'study'
        ? 'Trains and evaluates the grid of a preset into DIR/runs.csv (resumable), then writes the summaries, figures and reports.'
        : 'Runs the study of a preset plus its benchmark suites and renders DIR: CSVs, figures, sample grids, REPORT.md and REPORT.html.',
    flags: STUDY_FLAGS,
    examples: [
      `pnpm ${command} --preset smoke --out /tmp/smoke`,
      `pnpm ${command} --preset quick --variants vae,pcvae --budgets 1e11,3e11 --seeds 1,2`,
      `pnpm ${command} --out reports/quick --render-only`,
    ],
  };
}

const STUDY_FLAGS: Record<string, FlagSpec> = {
  preset: { type: 'string', default: 'quick', value: 'NAME', description: `preset grid (${Object.keys(PRESETS).join(', ')})` },
  out: { type: 'string', value: 'DIR', defaultText: 'reports/<preset>', description: 'output folder (runs.csv, report)' },
  dataset: { type: 'string', default: 'digits', value: 'NAME', description: 'dataset to train and score on' },
  'data-dir': { type: 'string', value: 'DIR', defaultText: 'the embedded or system copy', description: 'folder with IDX files' },
  backend: { type: 'string', value: 'NAME', defaultText: 'fastest available', description: 'tensorflow, webgpu, native, wasm or cpu' },
  shard: { type: 'string', value: 'i/n', defaultText: 'all jobs', description: 'run only shard i of n (merge with pnpm merge)' },
  'dry-run': { type: 'boolean', default: false, description: 'print the plan and estimated time; train nothing' },
  'render-only': { type: 'boolean', default: false, description: 're-render the report from DIR/runs.csv; train nothing' },
  check: {
    type: 'boolean',
    default: false,
    description: "report DIR's health (runs.csv schema and rows, lock, checkpoints); train nothing",
  },
  workers: { type: 'string', value: 'N', defaultText: 'one per core', description: 'single-threaded study processes sharing DIR' },
  'keep-checkpoints': { type: 'boolean', default: false, description: "keep finished jobs' checkpoints (removed by default)" },
  variants: { type: 'string', value: 'a,b', defaultText: "the preset's", description: `paradigms to run (${VARIANTS.join(', ')})` },
  budgets: { type: 'string', value: '1e11,3e11', defaultText: "the preset's", description: 'training budgets in FLOPs' },
  seeds: { type: 'string', value: '1,2,3', defaultText: "the preset's", description: 'seeds' },
  samples: { type: 'string', value: 'N', defaultText: "the preset's", description: 'generated and real images per FD (>= 8)' },
};

export function parseStudyArgs(argv: string[], command: 'study' | 'reports' = 'study'): StudyArgs {
  return resolveStudyArgs(parseCommand(studyCommandSpec(command), argv));
}

function resolveStudyArgs(parsed: ParsedCommand): StudyArgs {
  const v = parsed.values;
  let preset = getPreset(v.preset as string);
  if (v.variants !== undefined) {
    const names = listFlag('--variants', v.variants as string);
    for (const name of names) {
      if (!(VARIANTS as readonly string[]).includes(name)) {
        throw new UsageError(`--variants: unknown paradigm '${name}'; expected one of ${VARIANTS.join(', ')}`);
      }
    }
    preset = { ...preset, variants: names };
  }
  if (v.budgets !== undefined) preset = { ...preset, budgets: listFlag('--budgets', v.budgets as string).map((b) => parseBudget(b)) };
  if (v.seeds !== undefined) {
    const seeds = listFlag('--seeds', v.seeds as string).map(Number);
    if (seeds.some((s) => !Number.isInteger(s))) throw new UsageError(`--seeds: expected comma-separated integers, got '${v.seeds}'`);
    preset = { ...preset, seeds };
  }
  if (v['data-dir'] !== undefined && !DATA_DIR_DATASETS.includes(v.dataset as string)) {
    throw new UsageError(
      `--data-dir: does not apply to --dataset ${v.dataset} (it reads IDX files for ${DATA_DIR_DATASETS.join(' and ')} only); drop it or pick one of those datasets`,
    );
  }
  if (v.samples !== undefined) {
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
    check: Boolean(v.check),
    keepCheckpoints: Boolean(v['keep-checkpoints']),
    workers: v.workers === undefined ? availableParallelism() : positiveInteger('--workers', v.workers as string),
  };
}
