#!/usr/bin/env python3
"""Independent reference values for the FD, KID and precision/recall tests.

Computes, with numpy and scipy (scipy.linalg.sqrtm), the Frechet distance, the
unbiased polynomial-kernel MMD^2 of KID and the k-NN precision/recall of fixed,
seeded feature matrices, and writes them with the features to
packages/metrics/test/fixtures/fd-kid-reference.json. The TypeScript tests
compare against that file, so CI needs no python. Run again with

    /usr/bin/python3 packages/metrics/scripts/reference_fd_kid.py
"""
import json
import pathlib

import numpy as np
import scipy
from scipy import linalg

SEED = 20180101
OUT = pathlib.Path(__file__).resolve().parent.parent / "test" / "fixtures" / "fd-kid-reference.json"


def float32_matrix(values):
    # round to float32 so the TypeScript side sees exactly the same numbers
    return values.astype(np.float32).astype(np.float64)


def frechet_distance(x, y):
    mu1, mu2 = x.mean(axis=0), y.mean(axis=0)
    s1, s2 = np.cov(x, rowvar=False), np.cov(y, rowvar=False)
    covmean = linalg.sqrtm(s1 @ s2)
    if np.iscomplexobj(covmean):
        covmean = covmean.real
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))


def polynomial_kernel(a, b):
    return (a @ b.T / a.shape[1] + 1) ** 3


def unbiased_mmd2(x, y):
    m = x.shape[0]
    kxx, kyy, kxy = polynomial_kernel(x, x), polynomial_kernel(y, y), polynomial_kernel(x, y)
    return float(
        (kxx.sum() - np.trace(kxx)) / (m * (m - 1))
        + (kyy.sum() - np.trace(kyy)) / (m * (m - 1))
        - 2 * kxy.sum() / (m * m)
    )


def kth_radii(x, k):
    d = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(-1))
    return np.sort(d, axis=1)[:, k]  # column 0 is the point itself


def coverage(manifold, radii, queries):
    d = np.sqrt(((queries[:, None, :] - manifold[None, :, :]) ** 2).sum(-1))
    return float((d <= radii[None, :]).any(axis=1).mean())


def case(name, x, y, k, subset):
    xs, ys = subset
    return {
        "name": name,
        "real": x.tolist(),
        "fake": y.tolist(),
        "fd": frechet_distance(x, y),
        "mmd2Full": unbiased_mmd2(x, y),
        "subsetReal": xs.tolist(),
        "subsetFake": ys.tolist(),
        "mmd2Subset": unbiased_mmd2(x[xs], y[ys]),
        "k": k,
        "precision": coverage(x, kth_radii(x, k), y),
        "recall": coverage(y, kth_radii(y, k), x),
    }


def main():
    rng = np.random.default_rng(SEED)
    n, d = 60, 8
    mixing = rng.normal(size=(d, d)) / np.sqrt(d)
    real = float32_matrix(np.maximum(rng.normal(size=(n, d)) @ mixing + 0.5, 0))
    shifted = float32_matrix(np.maximum(rng.normal(size=(n, d)) @ (1.3 * mixing) + 0.8, 0))
    similar = float32_matrix(np.maximum(rng.normal(size=(n, d)) @ mixing + 0.5, 0))
    subset = (rng.choice(n, 25, replace=False), rng.choice(n, 25, replace=False))
    cases = [
        case("shifted", real, shifted, 3, subset),
        case("same-distribution", real, similar, 3, subset),
        case("wide-k", real, shifted, 5, subset),
    ]
    fixture = {
        "script": "packages/metrics/scripts/reference_fd_kid.py",
        "seed": SEED,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "kernel": "(x.y/d + 1)^3",
        "cases": cases,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(fixture) + "\n")
    for c in cases:
        print(f"{c['name']}: fd {c['fd']:.6f} mmd2 {c['mmd2Full']:.6f} precision {c['precision']:.3f} recall {c['recall']:.3f}")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
