"""PyTorch peer of the `engine` benchmark suite: one training step of each
reference case (mlp, conv-ae), Adam(1e-3), MSE to the input, loss read back.

Usage: python3 engine.py [--threads N] [--steps N] [--warmup N] [--filter TEXT]
Prints one JSON object: {"torch": version, "threads": N, "cases": [{case, batch,
ms_per_step, examples_per_s}, ...]}.
"""
import argparse
import json
import time

import torch
from torch import nn


def mlp():
    return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 784)), (128, 784)


def conv_ae():
    net = nn.Sequential(
        nn.Conv2d(1, 32, 3, stride=2, padding=1), nn.ReLU(),            # [B,32,14,14]
        nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.ReLU(),           # [B,64,7,7]
        nn.Flatten(), nn.Linear(3136, 256), nn.ReLU(),
        nn.Linear(256, 3136), nn.ReLU(), nn.Unflatten(1, (64, 7, 7)),
        nn.ConvTranspose2d(64, 32, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),  # [B,32,14,14]
        nn.ConvTranspose2d(32, 1, 3, stride=2, padding=1, output_padding=1),              # [B,1,28,28]
    )
    return net, (64, 1, 28, 28)


CASES = {"mlp": mlp, "conv-ae": conv_ae}


def bench(name, steps, warmup):
    torch.manual_seed(0)
    net, shape = CASES[name]()
    x = torch.rand(*shape)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = nn.functional.mse_loss(net(x), x)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(warmup):
        step()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    times.sort()
    ms = 1000 * times[len(times) // 2]
    return {"case": name, "batch": shape[0], "ms_per_step": ms, "examples_per_s": shape[0] * 1000 / ms}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=torch.get_num_threads())
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--filter", default="")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    cases = [bench(n, a.steps, a.warmup) for n in CASES if a.filter in n]
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "cases": cases}))


if __name__ == "__main__":
    main()
