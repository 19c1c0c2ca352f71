// The `engine` suite: one training step of each reference case (mlp, conv-ae)
// on every available backend, with GFLOP/s and the ratio to PyTorch on the same
// host and thread count. Step time includes reading the loss back.
import '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { nativeAvailability, nativeInfo, registerNativeBackend } from '@curtain/backend-native';
import { Bench } from 'tinybench';
import { engineCases } from './engine/cases.ts';
import { runPeer } from './engine/peer.ts';
import { hostInfo } from './host.ts';
import type { SuiteOptions, SuiteRow } from './suite.ts';

export const ENGINE_BACKENDS = ['cpu', 'wasm', 'native', 'native-bundled'] as const;

interface BackendSetup { name: string; blas: string; threads: number; note?: string }

async function setUpBackend(name: string): Promise<BackendSetup> {
  if (name === 'cpu') return { name, blas: 'none', threads: 1 };
  if (name === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    return { name, blas: 'none', threads: 1 };
  }
  const avail = nativeAvailability();
  if (!avail.built) return { name, blas: 'unavailable', threads: 0, note: avail.reason };
  const r = registerNativeBackend({ name, gemm: name === 'native-bundled' ? 'bundled' : 'openblas' });
  return { name, blas: r.blas, threads: r.threads };
}

/** Iteration budget: the stock cpu backend takes seconds (mlp) to ~20 s (conv-ae) per step. */
function budget(backend: string, caseName: string) {
  if (backend === 'cpu') return caseName === 'mlp' ? { iterations: 5, time: 0, warmupIterations: 1 } : { iterations: 2, time: 0, warmupIterations: 1 };
  if (backend === 'wasm') return { iterations: 5, time: 0, warmupIterations: 2 };
  return { iterations: 30, time: 2000, warmupIterations: 5 };
}

export async function engineSuite(opts: SuiteOptions = {}): Promise<SuiteRow[]> {
  const wanted = opts.backend ? opts.backend.split(',') : [...ENGINE_BACKENDS];
  const cases = engineCases.filter((c) => !opts.filter || c.name.includes(opts.filter));
  const host = hostInfo();
  const threads = nativeInfo().threads;
  const log = opts.log ?? (() => {});
  log(`engine: PyTorch peer with ${threads} threads...`);
  const peer = runPeer(threads, opts.filter ?? '');
  const rows: SuiteRow[] = [];
  for (const backendName of wanted) {
    const setup = await setUpBackend(backendName);
    for (const c of cases) {
      const peerCase = peer.result?.cases.find((p) => p.case === c.name);
      const row: SuiteRow = {
        case: c.name, backend: backendName, batch: c.batch, examples_per_s: '', ms_per_step: '', gflops: '',
        peer_examples_per_s: peerCase ? round(peerCase.examples_per_s) : '', peer_ratio: '',
        note: setup.note ?? peer.note ?? '', ...host, blas: setup.blas, threads: setup.threads,
        peer_torch: peer.result?.torch ?? '',
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
        bench.add(`${c.name}/${backendName}`, () => { m.step(); });
        const [task] = await bench.run();
        const res = task.result;
        if (res.state !== 'completed') throw res.state === 'errored' ? res.error : new Error(`task ${res.state}`);
        const ms = res.latency.p50 ?? res.latency.mean;
        row.ms_per_step = round(ms);
        row.examples_per_s = round((c.batch * 1000) / ms);
        row.gflops = round(c.flopsPerStep / ms / 1e6);
        if (peerCase) row.peer_ratio = round(((c.batch * 1000) / ms) / peerCase.examples_per_s, 3);
      } catch (err) {
        row.note = `error: ${((err as Error).message ?? String(err)).split('\n')[0].slice(0, 200)}`;
      } finally {
        try { model?.dispose(); } catch { /* backend already broken */ }
      }
    }
  }
  return rows;
}

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
