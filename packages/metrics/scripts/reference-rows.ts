// Prints the `data` and `noise` reference rows (FD, KID, precision, recall) of a
// dataset in its committed evaluator's feature space, as JSON lines:
//
//   pnpm exec tsx packages/metrics/scripts/reference-rows.ts --dataset digits [--n 1000] [--seed 1] [--backend cpu]
import { UsageError } from '@curtain/core';
// resolved through the workspace root: a script sits above every package
import { selectBackend } from '@curtain/zoo';
import { loadEvaluator, referenceRows } from '../src/index.ts';

function flag(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

async function main(): Promise<void> {
  const dataset = flag('dataset', 'digits');
  const n = Number(flag('n', '1000'));
  const seed = Number(flag('seed', '1'));
  await selectBackend(flag('backend', 'cpu'));
  const evaluator = loadEvaluator(dataset);
  const started = Date.now();
  for (const row of await referenceRows(dataset, evaluator, n, seed)) console.log(JSON.stringify(row));
  console.error(`${dataset}: ${n} samples per set, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  evaluator.dispose();
}

main().catch((error) => {
  console.error(error instanceof UsageError ? `error: ${error.message}` : error);
  process.exit(1);
});
