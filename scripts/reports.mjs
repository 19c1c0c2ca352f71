#!/usr/bin/env zx
// pnpm reports [--preset smoke|quick|full] [--out DIR] [--dataset NAME] [--data-dir DIR] [--backend NAME] [--shard i/n]
// The study of the preset plus its benchmark suites, rendered into DIR
// (default reports/<preset>/): CSVs, plots, sample grids and REPORT.md.
import { runCli } from './lib/cli.mjs';
import { studyCommand } from './lib/study-command.mjs';

await runCli(() => studyCommand(process.argv.slice(2), { bench: true }));
