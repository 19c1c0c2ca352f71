#!/usr/bin/env zx
// pnpm study [--preset smoke|quick|full] [--out DIR] [--dataset NAME] [--data-dir DIR]
//            [--backend NAME] [--shard i/n] [--dry-run] [--check] [--variants a,b] [--budgets 1e11,3e11] [--seeds 1,2,3]
//            [--keep-checkpoints]
// Each job checkpoints (weights, optimiser, EMA, data position, RNG) at every budget and every 5 minutes,
// so a killed study resumes mid-job; checkpoints are removed when a job finishes unless --keep-checkpoints.
// --check reports the health of the --out folder (runs.csv schema and rows, study.json) and trains nothing.
// Trains and evaluates the grid of a preset into DIR/runs.csv (resumable), then
// writes the summaries, plots and REPORT.md.
import { runCli } from './lib/cli.mjs';
import { studyCommand } from './lib/study-command.mjs';

await runCli(() => studyCommand(process.argv.slice(2), { bench: false }));
