#!/usr/bin/env zx
// pnpm speed-table DIR [DIR ...] [--write FILE] [--check FILE]: renders the
// README's speed tables from benchmark folders (each from `pnpm bench --suite
// train,sample --threads N --out DIR`), prints them, and with --write replaces
// the block between the speed-table markers in FILE; --check exits 1 when
// FILE's block differs from the rendering.
import { UsageError, writeFileAtomic } from '@curtain/core';
import { currentSpeedBlock, parseCommand, readBenchRun, readText, replaceSpeedBlock, speedTables } from '@curtain/study';
import { runCli } from './lib/cli.mjs';

const COMMAND = {
  name: 'pnpm speed-table',
  positionals: 'DIR [DIR ...]',
  summary:
    "Renders the README's training and sampling speed tables (curtain beside PyTorch, per thread count) from benchmark folders holding train.csv and sample.csv.",
  flags: {
    write: { type: 'string', value: 'FILE', description: "replace FILE's speed block (between its speed-table markers)" },
    check: { type: 'string', value: 'FILE', description: "exit 1 when FILE's speed block is not this rendering" },
  },
  examples: [
    'pnpm speed-table reports/bench/threads-1 reports/bench/threads-2',
    'pnpm speed-table reports/bench/threads-1 reports/bench/threads-2 --write README.md',
  ],
};

await runCli(async () => {
  const { values, positionals } = parseCommand(COMMAND, process.argv.slice(2));
  if (positionals.length === 0)
    throw new UsageError('pnpm speed-table: expected at least one benchmark folder DIR (see pnpm speed-table --help)');
  const block = speedTables(positionals.map(readBenchRun), positionals);
  console.log(block);
  if (values.write) {
    writeFileAtomic(values.write, replaceSpeedBlock(readText(values.write), block, values.write));
    console.log(`\nwritten: ${values.write}`);
  }
  if (values.check && currentSpeedBlock(readText(values.check)) !== block) {
    console.error(`${values.check}: its speed block is not the rendering of ${positionals.join(', ')}; run with --write ${values.check}`);
    process.exit(1);
  }
});
