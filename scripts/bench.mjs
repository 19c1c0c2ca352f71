#!/usr/bin/env node
// Benchmarks: `pnpm bench [--suite engine[,train,sample]] [--backend NAME[,NAME]]
//   [--filter TEXT] [--threads N] [--repeats N] [--out DIR]` runs the named suites from
// benchmarks/src/suites.ts, prints a table per suite and writes DIR/<suite>.csv
// (default DIR: reports/bench/).
import './lib/bench-blas-env.mjs';
import { UsageError } from '@curtain/core';
import { parseCommand } from '@curtain/study';
import { BENCH_COLUMNS } from '@curtain/zoo';
import { formatTable, suites, writeCsv } from '../benchmarks/src/index.ts';
import { runCli } from './lib/cli.mjs';

const COMMAND = {
  name: 'pnpm bench',
  summary:
    'Runs benchmark suites (engine: reference training steps; train: each variant; sample: each sampler) on the given backends beside their PyTorch twins, prints a table per suite and writes DIR/<suite>.csv.',
  flags: {
    suite: { type: 'string', default: 'engine', value: 'a,b', description: `suites to run (${Object.keys(suites).join(', ')})` },
    backend: { type: 'string', value: 'NAME[,NAME]', defaultText: 'every available backend', description: 'backends to measure' },
    filter: { type: 'string', value: 'TEXT', defaultText: 'all cases', description: 'run only cases whose name contains TEXT' },
    threads: { type: 'string', value: 'N', defaultText: "the backend's default", description: 'engine and PyTorch threads' },
    repeats: {
      type: 'string',
      default: '3',
      value: 'N',
      description: 'timed repeats of each train and sample case, interleaved with N PyTorch runs (median, min, max)',
    },
    out: { type: 'string', default: 'reports/bench', value: 'DIR', description: 'folder for the suite CSVs' },
  },
  examples: ['pnpm bench', 'pnpm bench --suite train,sample --backend native --threads 1 --out /tmp/bench'],
};

await runCli(async () => {
  const { values } = parseCommand(COMMAND, process.argv.slice(2));
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads > 0)) {
    throw new UsageError(`--threads: expected a positive integer, got '${values.threads}'`);
  }
  const repeats = Number(values.repeats);
  if (!(Number.isInteger(repeats) && repeats > 0)) {
    throw new UsageError(`--repeats: expected a positive integer, got '${values.repeats}'`);
  }
  const names = values.suite
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !suites[n]);
  if (unknown.length > 0) {
    throw new UsageError(`--suite: unknown suite ${unknown.join(', ')}; expected one of ${Object.keys(suites).join(', ')}`);
  }
  for (const name of names) {
    const rows = await suites[name]({ backend: values.backend, filter: values.filter, threads, repeats, log: (l) => console.error(l) });
    const columns = BENCH_COLUMNS.filter((c) => rows.some((r) => c in r));
    console.log(`\n${name}\n${formatTable(rows, columns.length ? columns : Object.keys(rows[0] ?? {}))}`);
    console.log(`wrote ${writeCsv(values.out, name, rows)}`);
  }
});
