// The `train` suite: one training step (forward, backward, optimiser update,
// loss read back) of every registry variant at its reference size on 28x28x1
// digits, as examples/s and GFLOP/s (FLOPs/step from the core FLOP counter),
// beside the same architecture, batch and loss in PyTorch (peers/train.py).
// Rates are from the median step of a repeat; with --repeats N each case is
// timed N times, interleaved with N runs of the peer, and examples_per_s is
// the median repeat (min and max beside it), likewise for the peer;
// peer_ratio = curtain median / PyTorch median (below 1: curtain is slower);
// params vs peer_params checks that both built the same layers.
import {
  type CommonConfig,
  countFlops,
  discardStep,
  type ImageShape,
  type JsonValue,
  type ParadigmEntry,
  readEveryFor,
  readStepStats,
  tf,
} from '@curtain/core';
import { BatchStream, type ImageSet, loadDataset, loadSynthetic } from '@curtain/data';
import { PARADIGMS } from '@curtain/zoo';
import {
  type ActiveBackend,
  activateBackend,
  appendNote,
  errorNote,
  filterVariants,
  medianIndex,
  PeerRunner,
  referenceConfig,
  round,
  sig,
  spreadOf,
  suiteRow,
  type Timing,
  type TimingBudget,
  timeIt,
  wantedBackends,
} from './common.ts';
import { hostInfo } from './host.ts';
import type { SuiteOptions, SuiteRow } from './suite.ts';

/** Knobs of a run; the defaults are the real benchmark, tests shrink them. */
export interface ParadigmBenchSettings {
  /** Wall time aimed at per timed case, ms (iterations = target / one call, clamped). */
  targetMs: number;
  minIterations: number;
  maxIterations: number;
  warmupIterations: number;
  /** Run the PyTorch peer (when torch imports). */
  peer: boolean;
  /** Image side (28: digits; anything else: synthetic bars of that size). */
  side: number;
  /** Overrides applied on top of each variant's reference size where its config has the key (tests: tiny widths). */
  overrides: Record<string, JsonValue>;
}

export const TRAIN_DEFAULTS: ParadigmBenchSettings = {
  targetMs: 5000,
  minIterations: 3,
  maxIterations: 40,
  warmupIterations: 2,
  peer: true,
  side: 28,
  overrides: {},
};

/** Iterations for a case whose one call took `probeMs`: fewer for slow cases. */
export function budgetFor(probeMs: number, s: ParadigmBenchSettings): TimingBudget {
  const iterations = Math.max(s.minIterations, Math.min(s.maxIterations, Math.round(s.targetMs / Math.max(probeMs, 1e-3))));
  return { iterations, time: 0, warmupIterations: s.warmupIterations };
}

export function imageSetFor(side: number): ImageSet {
  return side === 28 ? loadDataset('digits').train : loadSynthetic({ count: 256, size: side, seed: 1 }).train;
}

/** The overrides a variant's config knows (so one override set can serve every variant). */
function knownKeys(overrides: Record<string, JsonValue>, defaults: object): Record<string, JsonValue> {
  return Object.fromEntries(Object.entries(overrides).filter(([key]) => key in defaults));
}

export interface BenchCase {
  variant: string;
  config: CommonConfig;
  shape: ImageShape;
}

export function paradigmCases(opts: SuiteOptions, s: ParadigmBenchSettings): BenchCase[] {
  const shape = { height: s.side, width: s.side, channels: 1 };
  const registry = opts.registry ?? PARADIGMS;
  return filterVariants(Object.keys(registry), opts.filter).map((variant) => ({
    variant,
    config: { ...referenceConfig(registry[variant]), ...knownKeys(s.overrides, registry[variant].defaults) } as CommonConfig,
    shape,
  }));
}

/** What the train and sample suites start from: the registry, its cases, the host and each case's config by variant. */
export function paradigmSuite(opts: SuiteOptions, s: ParadigmBenchSettings) {
  const cases = paradigmCases(opts, s);
  return {
    log: opts.log ?? (() => {}),
    registry: opts.registry ?? PARADIGMS,
    cases,
    host: hostInfo(),
    configs: Object.fromEntries(cases.map((c) => [c.variant, c.config])),
  };
}

interface TrainPeerCase {
  variant: string;
  batch: number;
  ms_per_step: number;
  examples_per_s: number;
  params: number;
  note?: string;
}

export const TRAIN_COLUMNS = [
  'variant',
  'backend',
  'batch',
  'examples_per_s',
  'gflops',
  'flops_per_step',
  'examples_per_s_min',
  'examples_per_s_max',
  'peer_examples_per_s',
  'peer_examples_per_s_min',
  'peer_examples_per_s_max',
  'peer_ratio',
  'repeats',
  'ms_per_step',
  'ms_mean',
  'ms_p50',
  'ms_p99',
  'rme_pct',
  'iterations',
  'params',
  'peer_params',
  'size',
  'note',
] as const;

/** One timed measurement of a case: the median step of a tinybench run, its rate and what it computed. */
interface TrainMeasure {
  rate: number;
  timing: Timing;
  flops: number;
  params: number;
  /** Steps per timed call (one read-back each). */
  every: number;
}

/** Builds the case's model on the active backend, warms it up, counts one step's FLOPs and times its steps. */
async function measureTrainStep(
  entry: ParadigmEntry,
  c: BenchCase,
  backend: ActiveBackend,
  set: ImageSet,
  s: ParadigmBenchSettings,
): Promise<TrainMeasure> {
  const batches: tf.Tensor4D[] = [];
  let model: ReturnType<ParadigmEntry['create']> | undefined;
  try {
    model = entry.create(c.config, c.shape, 1);
    const m = model;
    const stream = new BatchStream(set, c.config.batchSize, 7);
    for (let i = 0; i < 4; i++) batches.push(stream.next());
    let k = 0;
    const next = () => batches[k++ % batches.length];
    // `every` training steps, the last one's statistics read back, as the study's loop reads on this
    // backend (every step on host-memory backends; every few on a GPU, where a read waits for the device)
    const every = readEveryFor(backend);
    const step = async () => {
      for (let i = 1; i < every; i++) discardStep(m.trainStep(next()));
      const stats = await readStepStats(m.trainStep(next()));
      if (!Number.isFinite(stats.loss)) throw new Error(`loss is ${stats.loss}`);
    };
    await step(); // first call builds kernels and optimiser state
    const flops = await countFlops(() => m.trainStep(next()));
    discardStep(flops.result);
    const t0 = performance.now();
    await step();
    const probeMs = performance.now() - t0;
    const timed = await timeIt(`train/${c.variant}/${backend.name}`, step, budgetFor(probeMs, s));
    // per step: a timed call is `every` steps
    const timing = {
      ...timed,
      ms_mean: round(timed.ms_mean / every, 3),
      ms_p50: round(timed.ms_p50 / every, 3),
      ms_p99: round(timed.ms_p99 / every, 3),
    };
    return {
      rate: (c.config.batchSize * 1000) / timing.ms_p50,
      timing,
      flops: flops.total,
      params: m.variables().reduce((n, v) => n + v.size, 0),
      every,
    };
  } finally {
    tf.dispose(batches);
    try {
      model?.dispose();
    } catch {
      /* backend already broken */
    }
  }
}

export async function trainSuite(opts: SuiteOptions = {}, settings: Partial<ParadigmBenchSettings> = {}): Promise<SuiteRow[]> {
  const s = { ...TRAIN_DEFAULTS, ...settings };
  const repeats = opts.repeats ?? 1;
  const { log, registry, cases, host, configs } = paradigmSuite(opts, s);
  const set = imageSetFor(s.side);
  const peer = new PeerRunner<TrainPeerCase>(
    s.peer && cases.length > 0,
    'train.py',
    () => ['--side', String(s.side), '--configs', JSON.stringify(configs)],
    log,
  );
  const rows: SuiteRow[] = [];
  for (const wanted of wantedBackends(opts)) {
    const backend = await activateBackend(wanted, opts.threads);
    const peerThreads = Math.max(1, backend.threads);
    const backendRows: SuiteRow[] = cases.map((c) =>
      suiteRow(
        TRAIN_COLUMNS,
        {
          variant: c.variant,
          backend: backend.name,
          batch: c.config.batchSize,
          size: registry[c.variant].referenceSize,
          note: backend.note ?? '',
        },
        backend,
        host,
        peerThreads,
      ),
    );
    rows.push(...backendRows);
    const measured: TrainMeasure[][] = cases.map(() => []);
    const failed = new Set<number>();
    for (let r = 0; r < repeats; r++) {
      peer.run(peerThreads);
      for (const [i, c] of cases.entries()) {
        if (backend.note || failed.has(i)) continue;
        log(`train: ${c.variant} on ${backend.name}${repeats > 1 ? ` (repeat ${r + 1} of ${repeats})` : ''}...`);
        try {
          measured[i].push(await measureTrainStep(registry[c.variant], c, backend, set, s));
        } catch (err) {
          appendNote(backendRows[i], errorNote(err));
          failed.add(i);
        }
      }
    }
    for (const [i, row] of backendRows.entries()) {
      const rates = measured[i].map((m) => m.rate);
      const spread = spreadOf(rates);
      if (!spread || failed.has(i)) continue;
      const m = measured[i][medianIndex(rates)];
      if (m.every > 1) appendNote(row, `timed in groups of ${m.every} steps with one read-back each; ms per step`);
      Object.assign(row, m.timing, {
        ms_per_step: round(m.timing.ms_p50),
        examples_per_s: round(spread.median),
        examples_per_s_min: round(spread.min),
        examples_per_s_max: round(spread.max),
        repeats: spread.count,
        gflops: round(m.flops / m.timing.ms_p50 / 1e6, 3),
        flops_per_step: sig(m.flops),
        params: m.params,
      });
    }
  }
  for (const row of rows) {
    const p = peer.figures(
      Number(row.peer_threads),
      (x) => x.variant === row.variant,
      (x) => x.examples_per_s,
    );
    Object.assign(row, { peer_torch: p.torch ?? '', peer_threads: p.threads ?? row.peer_threads });
    if (p.found && p.spread) {
      Object.assign(row, {
        peer_examples_per_s: round(p.spread.median),
        peer_examples_per_s_min: round(p.spread.min),
        peer_examples_per_s_max: round(p.spread.max),
        peer_params: p.found.params,
      });
      if (typeof row.examples_per_s === 'number') row.peer_ratio = round(row.examples_per_s / p.spread.median, 3);
    } else appendNote(row, p.note);
  }
  return rows;
}
