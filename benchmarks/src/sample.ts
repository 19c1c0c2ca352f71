// The `sample` suite: what one sample costs for every registry variant and
// each of its samplers (GAN, VAE family, flow: 1 network evaluation; PixelCNN:
// H*W; DDPM: T; DDIM: S): ms per sample from timing sample(n) with the images
// read back, network evaluations (sampleCost), FLOPs per sample (the core FLOP
// counter on sample(1)), beside PyTorch doing the same evaluations (peers/sample.py).
// ms_per_sample is the median sample(n) call / n; peer_ratio = curtain ms /
// PyTorch ms (above 1: curtain is slower); call_ms_* are per sample(n) call.
import { countFlops, tf } from '@curtain/core';
import { type ActiveBackend, activateBackend, appendNote, errorNote, PeerRunner, round, sig, timeIt, wantedBackends } from './common.ts';
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
  'peer_ms_per_sample',
  'peer_ratio',
  'n',
  'call_ms_mean',
  'call_ms_p50',
  'call_ms_p99',
  'rme_pct',
  'iterations',
  'size',
  'note',
] as const;

export async function sampleSuite(opts: SuiteOptions = {}, settings: Partial<SampleBenchSettings> = {}): Promise<SuiteRow[]> {
  const s = { ...SAMPLE_DEFAULTS, ...settings };
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
    peer.before(peerThreads);
    for (const c of cases) {
      const entry = registry[c.variant];
      let model: ReturnType<typeof entry.create> | undefined;
      try {
        if (!backend.note) model = entry.create(c.config, c.shape, 1);
      } catch (err) {
        rows.push({
          variant: c.variant,
          sampler: '',
          backend: backend.name,
          note: errorNote(err),
          ...host,
          blas: backend.blas,
          threads: backend.threads,
        });
        continue;
      }
      for (const sampler of entry.samplers) {
        const row: SuiteRow = {
          variant: c.variant,
          sampler: sampler.label,
          backend: backend.name,
          network_evals: '',
          ms_per_sample: '',
          flops_per_sample: '',
          peer_ms_per_sample: '',
          peer_ratio: '',
          n: '',
          call_ms_mean: '',
          call_ms_p50: '',
          call_ms_p99: '',
          rme_pct: '',
          iterations: '',
          size: entry.referenceSize,
          note: backend.note ?? '',
          ...host,
          blas: backend.blas,
          threads: backend.threads,
          peer_torch: '',
          peer_threads: peerThreads,
        };
        rows.push(row);
        if (!model) continue;
        const m = model;
        log(`sample: ${c.variant}/${sampler.label} on ${backend.name}...`);
        try {
          const options = { ...sampler.options, seed: 3 };
          const evals = m.sampleCost(options).networkEvals;
          const n = samplesPerCall(evals, s);
          row.network_evals = evals;
          row.n = n;
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
          const t = await timeIt(`sample/${c.variant}/${sampler.label}/${backend.name}`, call, budget);
          const perSample = t.ms_p50 / n;
          Object.assign(row, {
            ms_per_sample: round(perSample, 3),
            flops_per_sample: sig(flops.total),
            call_ms_mean: t.ms_mean,
            call_ms_p50: t.ms_p50,
            call_ms_p99: t.ms_p99,
            rme_pct: t.rme_pct,
            iterations: t.iterations,
          });
        } catch (err) {
          appendNote(row, errorNote(err));
        }
      }
      try {
        model?.dispose();
      } catch {
        /* backend already broken */
      }
    }
    if (s.evalSamples > 0 && (!opts.filter || EVALUATION.includes(opts.filter)))
      rows.push(await evaluationRow(backend, s.evalSamples, host, log));
  }
  peer.again();
  for (const row of rows) {
    const p = peer.best(
      Number(row.peer_threads),
      (x) => x.variant === row.variant && x.sampler === row.sampler,
      (a, b) => a.ms_per_sample < b.ms_per_sample,
    );
    Object.assign(row, { peer_torch: p.torch ?? '', peer_threads: p.threads ?? row.peer_threads });
    if (!p.found) {
      appendNote(row, p.note);
      continue;
    }
    row.peer_ms_per_sample = round(p.found.ms_per_sample, 3);
    if (typeof row.ms_per_sample === 'number') row.peer_ratio = round(row.ms_per_sample / p.found.ms_per_sample, 3);
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
