// Runs the PyTorch peer (peers/engine.py) when /usr/bin/python3 has torch.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PeerResult {
  torch: string;
  threads: number;
  cases: { case: string; batch: number; ms_per_step: number; examples_per_s: number }[];
}

const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'peers', 'engine.py');

export function runPeer(
  threads: number,
  filter = '',
  python = process.env.CURTAIN_PYTHON ?? '/usr/bin/python3',
): { result?: PeerResult; note?: string } {
  if (!existsSync(python)) return { note: `peer skipped: ${python} not found` };
  if (spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status !== 0) return { note: 'peer skipped: torch not importable' };
  const r = spawnSync(python, [script, '--threads', String(threads), '--filter', filter], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) return { note: `peer failed: ${(r.stderr ?? '').trim().split('\n').pop()}` };
  try {
    return { result: JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as PeerResult };
  } catch {
    return { note: 'peer printed no JSON' };
  }
}
