"""PyTorch peer of the `train` benchmark suite: one training step (forward,
backward, optimiser update, loss read back) of each curtain variant with the
same architecture, batch and loss (peers/paradigms.py).

Usage: python3 train.py --configs JSON [--threads N] [--side 28] [--target-s 4] [--warmup 2]
  JSON maps variant -> its merged config (the suite passes the registry's).
Prints one JSON object: {"torch", "threads", "cases": [{variant, batch,
ms_per_step, examples_per_s, params, [note]}]}; ms_per_step is the median.
"""
import argparse
import json
import time

import torch

from paradigms import build, digits_like


def bench(variant, cfg, side, target_s, warmup):
    model = build(variant, cfg, side)
    batch = cfg["batchSize"]
    data = [digits_like(batch, side) for _ in range(4)]
    t0 = time.perf_counter()
    model.train_step(data[0])
    probe = time.perf_counter() - t0
    for i in range(warmup):
        model.train_step(data[i % 4])
    steps = max(3, min(40, round(target_s / max(probe, 1e-4))))
    times = []
    for i in range(steps):
        t0 = time.perf_counter()
        model.train_step(data[i % 4])
        times.append(time.perf_counter() - t0)
    times.sort()
    ms = 1000 * times[len(times) // 2]
    return {"variant": variant, "batch": batch, "ms_per_step": ms, "examples_per_s": batch * 1000 / ms,
            "params": model.params(), "steps": steps}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--configs", required=True)
    ap.add_argument("--threads", type=int, default=torch.get_num_threads())
    ap.add_argument("--side", type=int, default=28)
    ap.add_argument("--target-s", type=float, default=4.0)
    ap.add_argument("--warmup", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    cases = []
    for variant, cfg in json.loads(a.configs).items():
        try:
            cases.append(bench(variant, cfg, a.side, a.target_s, a.warmup))
        except Exception as err:  # one broken peer must not hide the others
            cases.append({"variant": variant, "note": f"{type(err).__name__}: {err}"[:200]})
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "cases": cases}))


if __name__ == "__main__":
    main()
