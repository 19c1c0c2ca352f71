// The `sample` suite: what one sample costs for every registry variant and
// each of its samplers (GAN, VAE family, flow: 1 network evaluation; PixelCNN:
// H*W; DDPM: T; DDIM: S): ms per sample from timing sample(n) with the images
// read back, network evaluations (sampleCost), FLOPs per sample (the core FLOP
// counter on sample(1)), beside PyTorch doing the same evaluations (peers/sample.py).
// ms_per_sample is the median sample(n) call / n (with --repeats N: the median
// of N repeats interleaved with N peer runs, min and max beside it);
// peer_ratio = curtain ms / PyTorch ms (above 1: curtain is slower); call_ms_*
// are per sample(n) call of the median repeat.
import { countFlops, type GenerativeModel, type SamplerSetting, tf } from '@curtain/core';
import {
  type ActiveBackend,
  activateBackend,
  appendNote,
  errorNote,
  medianIndex,
  PeerRunner,
  round,
  sig,
  spreadOf,
  suiteRow,
  type Timing,
  timeIt,
  wantedBackends,
} from './common.ts';
import { timeEvaluation } from './evaluation.ts';
import type { HostInfo } from './host.ts';
import type { SuiteOptions, SuiteRow } from './suite.ts';
import { budgetFor, type ParadigmBenchSettings, paradigmSuite, TRAIN_DEFAULTS } from './train.ts';

export interface SampleBenchSettings extends ParadigmBenchSettings {
  /** Samples per timed call for a one-evaluation sampler, and for a many-evaluation one (PixelCNN, DDPM, DDIM). */
  nCheap: number;
  nCostly: number;
  /** Images scored by the evaluation row (features + FD + KID + P/R); 0 skips it. */
  evalSamples: number;
}

export const SAMPLE_DEFAULTS: SampleBenchSettings = {
  ...TRAIN_DEFAULTS,
  targetMs: 4000,
  minIterations: 2,
  maxIterations: 30,
  nCheap: 16,
  nCostly: 4,
  evalSamples: 10_000,
};

/** Samples per timed call: fewer where one call runs hundreds of network evaluations. */
export function samplesPerCall(networkEvals: number, s: Pick<SampleBenchSettings, 'nCheap' | 'nCostly'>): number {
  return networkEvals === 1 ? s.nCheap : s.nCostly;
}

interface SamplePeerCase {
  variant: string;
  sampler: string;
  n: number;
  network_evals: number;
  ms_per_sample: number;
  note?: string;
}

export const SAMPLE_COLUMNS = [
  'variant',
  'sampler',
  'backend',
  'network_evals',
  'ms_per_sample',
  'flops_per_sample',
  'ms_per_sample_min',
  'ms_per_sample_max',
  'peer_ms_per_sample',
  'peer_ms_per_sample_min',
  'peer_ms_per_sample_max',
  'peer_ratio',
  'repeats',
  'n',
  'call_ms_mean',
  'call_ms_p50',
  'call_ms_p99',
  'rme_pct',
  'iterations',
  'size',
  'note',
] as const;

/** One timed measurement of a sampler: the median sample(n) call of a tinybench run. */
interface SampleMeasure {
  perSample: number;
  timing: Timing;
  flops: number;
  evals: number;
  n: number;
}

async function measureSampler(
  m: GenerativeModel,
  variant: string,
  sampler: SamplerSetting,
  backend: ActiveBackend,
  s: SampleBenchSettings,
): Promise<SampleMeasure> {
  const options = { ...sampler.options, seed: 3 };
  const evals = m.sampleCost(options).networkEvals;
  const n = samplesPerCall(evals, s);
  let seed = 0;
  const call = async () => {
    const x = await m.sample(n, { ...options, seed: seed++ });
    await x.data(); // read back: async backends finish their work here
    x.dispose();
  };
  const t0 = performance.now();
  await call(); // also the warm-up of a slow case
  const probeMs = performance.now() - t0;
  const flops = await countFlops(async () => tf.dispose(await m.sample(1, options)));
  const budget = budgetFor(probeMs, s);
  if (probeMs > 1000) budget.warmupIterations = 0;
  const timing = await timeIt(`sample/${variant}/${sampler.label}/${backend.name}`, call, budget);
  return { perSample: timing.ms_p50 / n, timing, flops: flops.total, evals, n };
}

export async function sampleSuite(opts: SuiteOptions = {}, settings: Partial<SampleBenchSettings> = {}): Promise<SuiteRow[]> {
  const s = { ...SAMPLE_DEFAULTS, ...settings };
  const repeats = opts.repeats ?? 1;
  const { log, registry, cases, host, configs } = paradigmSuite(opts, s);
  const samplers = Object.fromEntries(cases.map((c) => [c.variant, registry[c.variant].samplers]));
  const peerArgs = () => [
    ...['--side', String(s.side), '--n-cheap', String(s.nCheap), '--n-costly', String(s.nCostly)],
    ...['--configs', JSON.stringify(configs), '--samplers', JSON.stringify(samplers)],
  ];
  const peer = new PeerRunner<SamplePeerCase>(s.peer && cases.length > 0, 'sample.py', peerArgs, log);
  const rows: SuiteRow[] = [];
  for (const wanted of wantedBackends(opts)) {
    const backend = await activateBackend(wanted, opts.threads);
    const peerThreads = Math.max(1, backend.threads);
    // one row per (case, sampler), with the measurements of every repeat
    const slots = cases.flatMap((c) =>
      registry[c.variant].samplers.map((sampler) => ({
        c,
        sampler,
        measured: [] as SampleMeasure[],
        failed: false,
        row: suiteRow(
          SAMPLE_COLUMNS,
          {
            variant: c.variant,
            sampler: sampler.label,
            backend: backend.name,
            size: registry[c.variant].referenceSize,
            note: backend.note ?? '',
          },
          backend,
          host,
          peerThreads,
        ),
      })),
    );
    rows.push(...slots.map((slot) => slot.row));
    for (let r = 0; r < repeats; r++) {
      peer.run(peerThreads);
      if (backend.note) continue;
      for (const c of cases) {
        const mine = slots.filter((slot) => slot.c === c && !slot.failed);
        if (mine.length === 0) continue;
        let model: GenerativeModel | undefined;
        try {
          model = registry[c.variant].create(c.config, c.shape, 1);
        } catch (err) {
          for (const slot of mine) {
            appendNote(slot.row, errorNote(err));
            slot.failed = true;
          }
          continue;
        }
        for (const slot of mine) {
          log(`sample: ${c.variant}/${slot.sampler.label} on ${backend.name}${repeats > 1 ? ` (repeat ${r + 1} of ${repeats})` : ''}...`);
          try {
            slot.measured.push(await measureSampler(model, c.variant, slot.sampler, backend, s));
          } catch (err) {
            appendNote(slot.row, errorNote(err));
            slot.failed = true;
          }
        }
        try {
          model.dispose();
        } catch {
          /* backend already broken */
        }
      }
    }
    for (const slot of slots) {
      const times = slot.measured.map((m) => m.perSample);
      const spread = spreadOf(times);
      if (!spread || slot.failed) continue;
      const m = slot.measured[medianIndex(times)];
      Object.assign(slot.row, {
        network_evals: m.evals,
        n: m.n,
        ms_per_sample: round(spread.median, 3),
        ms_per_sample_min: round(spread.min, 3),
        ms_per_sample_max: round(spread.max, 3),
        repeats: spread.count,
        flops_per_sample: sig(m.flops),
        call_ms_mean: m.timing.ms_mean,
        call_ms_p50: m.timing.ms_p50,
        call_ms_p99: m.timing.ms_p99,
        rme_pct: m.timing.rme_pct,
        iterations: m.timing.iterations,
      });
    }
    if (s.evalSamples > 0 && (!opts.filter || EVALUATION.includes(opts.filter)))
      rows.push(await evaluationRow(backend, s.evalSamples, host, log));
  }
  for (const row of rows) {
    if (row.variant === EVALUATION) continue;
    const p = peer.figures(
      Number(row.peer_threads),
      (x) => x.variant === row.variant && x.sampler === row.sampler,
      (x) => x.ms_per_sample,
    );
    Object.assign(row, { peer_torch: p.torch ?? '', peer_threads: p.threads ?? row.peer_threads });
    if (!p.found || !p.spread) {
      appendNote(row, p.note);
      continue;
    }
    Object.assign(row, {
      peer_ms_per_sample: round(p.spread.median, 3),
      peer_ms_per_sample_min: round(p.spread.min, 3),
      peer_ms_per_sample_max: round(p.spread.max, 3),
    });
    if (typeof row.ms_per_sample === 'number') row.peer_ratio = round(row.ms_per_sample / p.spread.median, 3);
    if (p.found.n !== row.n || p.found.network_evals !== row.network_evals) {
      appendNote(row, `peer ran n=${p.found.n} with ${p.found.network_evals} evaluations`);
    }
  }
  return rows;
}

const EVALUATION = 'evaluation';

/** One timed evaluation of n samples (features + FD + KID + P/R) as a sample-suite row; no peer. */
async function evaluationRow(backend: ActiveBackend, n: number, host: HostInfo, log: (line: string) => void): Promise<SuiteRow> {
  const row: SuiteRow = {
    variant: EVALUATION,
    sampler: 'features+fd+kid+pr',
    backend: backend.name,
    n,
    note: backend.note ?? '',
    ...host,
    blas: backend.blas,
    threads: backend.threads,
  };
  if (backend.note) return row;
  log(`sample: evaluation of ${n} samples on ${backend.name}...`);
  try {
    const t = await timeEvaluation(n);
    Object.assign(row, { ms_per_sample: round(t.totalMs / n, 3), call_ms_p50: t.totalMs, iterations: 1 });
    appendNote(row, `features ${t.featuresMs} ms, FD ${t.fdMs} ms, KID ${t.kidMs} ms, P/R ${t.prMs} ms`);
  } catch (err) {
    appendNote(row, errorNote(err));
  }
  return row;
}
