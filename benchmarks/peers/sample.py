"""PyTorch peer of the `sample` benchmark suite: ms per sample of each curtain
variant and sampler with the same network, batch and number of network
evaluations (peers/paradigms.py), images materialised, under no_grad.

Usage: python3 sample.py --configs JSON --samplers JSON [--threads N] [--side 28]
  [--n-cheap 16] [--n-costly 4] [--target-s 3]
  --samplers maps variant -> the registry's samplers [{label, options}].
Prints one JSON object: {"torch", "threads", "cases": [{variant, sampler, n,
network_evals, ms_per_sample, [note]}]}; ms_per_sample is the median call / n.
"""
import argparse
import json
import time

import torch

from paradigms import build


def bench(model, options, n, target_s):
    t0 = time.perf_counter()
    model.sample(n, options).sum().item()
    probe = time.perf_counter() - t0
    if probe < 1:
        model.sample(n, options).sum().item()
    calls = max(2, min(30, round(target_s / max(probe, 1e-4))))
    times = []
    for _ in range(calls):
        t0 = time.perf_counter()
        model.sample(n, options).sum().item()
        times.append(time.perf_counter() - t0)
    times.sort()
    return 1000 * times[len(times) // 2] / n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--configs", required=True)
    ap.add_argument("--samplers", required=True)
    ap.add_argument("--threads", type=int, default=torch.get_num_threads())
    ap.add_argument("--side", type=int, default=28)
    ap.add_argument("--n-cheap", type=int, default=16)
    ap.add_argument("--n-costly", type=int, default=4)
    ap.add_argument("--target-s", type=float, default=3.0)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    samplers = json.loads(a.samplers)
    cases = []
    for variant, cfg in json.loads(a.configs).items():
        try:
            model = build(variant, cfg, a.side)
        except Exception as err:
            cases += [{"variant": variant, "sampler": s["label"], "note": f"{type(err).__name__}: {err}"[:200]} for s in samplers[variant]]
            continue
        for s in samplers[variant]:
            case = {"variant": variant, "sampler": s["label"]}
            try:
                evals = model.evals(s["options"])
                n = a.n_cheap if evals == 1 else a.n_costly
                case.update(n=n, network_evals=evals, ms_per_sample=bench(model, s["options"], n, a.target_s))
            except Exception as err:
                case["note"] = f"{type(err).__name__}: {err}"[:200]
            cases.append(case)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "cases": cases}))


if __name__ == "__main__":
    main()
