#!/usr/bin/env zx
// pnpm study [--preset smoke|quick|full] [--out DIR] [--dataset NAME] [--data-dir DIR]
//            [--backend NAME] [--shard i/n] [--dry-run] [--variants a,b] [--budgets 1e11,3e11] [--seeds 1,2,3]
// Trains and evaluates the grid of a preset into DIR/runs.csv (resumable), then
// writes the summaries, plots and REPORT.md.
import { runCli } from './lib/cli.mjs';
import { studyCommand } from './lib/study-command.mjs';

await runCli(() => studyCommand(process.argv.slice(2), { bench: false }));
