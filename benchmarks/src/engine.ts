// The `engine` suite: one training step of each reference case (mlp, conv-ae)
// on every available backend, with GFLOP/s and the ratio to PyTorch on the same
// host and thread count. Step time includes reading the loss back.
import '@tensorflow/tfjs';
import { nativeInfo } from '@curtain/backend-native';
import * as tf from '@tensorflow/tfjs-core';
import { Bench } from 'tinybench';
import { activateBackend, type PeerOutput, runPythonPeer } from './common.ts';
import { engineCases } from './engine/cases.ts';
import { hostInfo } from './host.ts';
import type { SuiteOptions, SuiteRow } from './suite.ts';

export const ENGINE_BACKENDS = ['cpu', 'wasm', 'native', 'native-bundled'] as const;

/** Iteration budget: the stock cpu backend takes seconds (mlp) to ~20 s (conv-ae) per step. */
function budget(backend: string, caseName: string) {
  if (backend === 'cpu')
    return caseName === 'mlp' ? { iterations: 5, time: 0, warmupIterations: 1 } : { iterations: 2, time: 0, warmupIterations: 1 };
  if (backend === 'wasm') return { iterations: 5, time: 0, warmupIterations: 2 };
  return { iterations: 30, time: 2000, warmupIterations: 5 };
}

/** One engine case's PyTorch figures (peers/engine.py). */
interface EnginePeerCase {
  case: string;
  batch: number;
  ms_per_step: number;
  examples_per_s: number;
}

/** peers/engine.py through the one peer runner (the same environment as every PyTorch twin). */
function runEnginePeer(threads: number, filter: string) {
  return runPythonPeer<PeerOutput<EnginePeerCase>>('engine.py', ['--threads', String(threads), '--filter', filter], 600_000);
}

export async function engineSuite(opts: SuiteOptions = {}): Promise<SuiteRow[]> {
  const wanted = opts.backend ? opts.backend.split(',') : [...ENGINE_BACKENDS];
  const cases = engineCases.filter((c) => !opts.filter || c.name.includes(opts.filter));
  const host = hostInfo();
  const threads = opts.threads ?? nativeInfo().threads;
  const log = opts.log ?? (() => {});
  // The peer runs before and after the tfjs backends; the faster of its two
  // medians is used (conservative when the host's load changes meanwhile).
  log(`engine: PyTorch peer with ${threads} threads...`);
  const peerBefore = runEnginePeer(threads, opts.filter ?? '');
  const rows: SuiteRow[] = [];
  for (const backendName of wanted) {
    const setup = await activateBackend(backendName, threads);
    for (const c of cases) {
      const row: SuiteRow = {
        case: c.name,
        backend: backendName,
        batch: c.batch,
        examples_per_s: '',
        ms_per_step: '',
        gflops: '',
        peer_examples_per_s: '',
        peer_ratio: '',
        note: setup.note ?? '',
        ...host,
        blas: setup.blas,
        threads: setup.threads,
        peer_threads: threads,
        peer_torch: peerBefore.result?.torch ?? '',
      };
      rows.push(row);
      if (setup.note) continue;
      let model: ReturnType<typeof c.build> | undefined;
      try {
        if (!(await tf.setBackend(backendName))) throw new Error(`backend ${backendName} failed to initialise`);
        model = c.build();
        const m = model;
        log(`engine: ${c.name} on ${backendName}...`);
        const bench = new Bench({ ...budget(backendName, c.name), warmup: true, throws: true });
        bench.add(`${c.name}/${backendName}`, async () => {
          await m.step();
        });
        const [task] = await bench.run();
        const res = task.result;
        if (res.state !== 'completed') throw res.state === 'errored' ? res.error : new Error(`task ${res.state}`);
        const ms = res.latency.p50 ?? res.latency.mean;
        row.ms_per_step = round(ms);
        row.examples_per_s = round((c.batch * 1000) / ms);
        row.gflops = round(c.flopsPerStep / ms / 1e6);
        if (backendName.startsWith('native')) Object.assign(row, await leakCheck(m.step, leakSteps(), log, `${c.name}/${backendName}`));
      } catch (err) {
        row.note = `error: ${((err as Error).message ?? String(err)).split('\n')[0].slice(0, 200)}`;
      } finally {
        try {
          model?.dispose();
        } catch {
          /* backend already broken */
        }
      }
    }
  }
  log('engine: PyTorch peer again...');
  const peerAfter = runEnginePeer(threads, opts.filter ?? '');
  for (const row of rows) {
    const speeds = [peerBefore, peerAfter].map((p) => p.result?.cases.find((q) => q.case === row.case)?.examples_per_s ?? 0);
    const peer = Math.max(...speeds);
    if (peer > 0) {
      row.peer_examples_per_s = round(peer);
      if (typeof row.examples_per_s === 'number') row.peer_ratio = round(row.examples_per_s / peer, 3);
    } else if (!row.note) {
      row.note = peerBefore.note ?? peerAfter.note ?? 'no peer result';
    }
  }
  return rows;
}

/** Steps of the leak check run after timing native backends (CURTAIN_LEAK_STEPS, default 1000; 0 skips). */
function leakSteps(): number {
  const n = Number.parseInt(process.env.CURTAIN_LEAK_STEPS ?? '1000', 10);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** Tensor count and RSS change between step 10% and the last of `steps` further training steps. */
async function leakCheck(step: () => Promise<number>, steps: number, log: (l: string) => void, label: string): Promise<SuiteRow> {
  if (steps === 0) return {};
  log(`engine: ${label} leak check over ${steps} steps...`);
  const mark = Math.max(1, Math.floor(steps / 10));
  let tensors = 0;
  let rss = 0;
  for (let i = 1; i <= steps; i++) {
    await step();
    if (i === mark) {
      tensors = tf.memory().numTensors;
      rss = process.memoryUsage().rss;
    }
  }
  return {
    leak_steps: steps,
    leak_tensors_delta: tf.memory().numTensors - tensors,
    leak_rss_delta_mb: round((process.memoryUsage().rss - rss) / 2 ** 20, 1),
  };
}

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
