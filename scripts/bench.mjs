#!/usr/bin/env node
// Benchmarks: `pnpm bench [--suite engine[,train,sample]] [--backend NAME[,NAME]]
//   [--filter TEXT] [--threads N] [--out DIR]` runs the named suites from
// benchmarks/src/suites.ts, prints a table per suite and writes DIR/<suite>.csv
// (default DIR: reports/bench/).
import { parseArgs } from 'node:util';
import { formatTable, suites, writeCsv } from '../benchmarks/src/index.ts';

const { values } = parseArgs({
  options: {
    suite: { type: 'string', default: 'engine' },
    backend: { type: 'string' },
    filter: { type: 'string' },
    threads: { type: 'string' },
    out: { type: 'string', default: 'reports/bench' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(
    `usage: pnpm bench [--suite ${Object.keys(suites).join(',')}] [--backend NAME[,NAME]] [--filter TEXT] [--threads N] [--out DIR]`,
  );
  process.exit(0);
}
const threads = values.threads === undefined ? undefined : Number(values.threads);
if (threads !== undefined && !(Number.isInteger(threads) && threads > 0)) {
  console.error(`--threads: expected a positive integer, got '${values.threads}'`);
  process.exit(2);
}
const names = values.suite
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const unknown = names.filter((n) => !suites[n]);
if (unknown.length > 0) {
  console.error(`--suite: unknown suite ${unknown.join(', ')}; expected one of ${Object.keys(suites).join(', ')}`);
  process.exit(2);
}
const TABLE = [
  'case',
  'variant',
  'sampler',
  'backend',
  'blas',
  'threads',
  'network_evals',
  'ms_per_step',
  'examples_per_s',
  'gflops',
  'peer_examples_per_s',
  'ms_per_sample',
  'peer_ms_per_sample',
  'peer_ratio',
  'leak_tensors_delta',
  'leak_rss_delta_mb',
  'note',
];
for (const name of names) {
  const rows = await suites[name]({ backend: values.backend, filter: values.filter, threads, log: (l) => console.error(l) });
  const columns = TABLE.filter((c) => rows.some((r) => c in r));
  console.log(`\n${name}\n${formatTable(rows, columns.length ? columns : Object.keys(rows[0] ?? {}))}`);
  console.log(`wrote ${writeCsv(values.out, name, rows)}`);
}
