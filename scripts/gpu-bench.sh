#!/usr/bin/env bash
# GPU benchmark on the webgpu backend, for a fresh Linux host with an NVIDIA,
# AMD or Intel GPU and Node 20: installs, checks that Dawn finds a hardware
# adapter, runs the engine/train/sample benchmark suites and a small study,
# and writes every CSV into reports/gpu/<host>/. Each step has its own time
# limit, so one run fits in 10 minutes; a step that runs out keeps the CSVs it
# finished. Usage: bash scripts/gpu-bench.sh [HOST_LABEL]
set -euo pipefail
cd "$(dirname "$0")/.."

HOST="${1:-$(hostname -s)}"
OUT="reports/gpu/$HOST"
mkdir -p "$OUT"
export CURTAIN_BACKEND=webgpu

# Dawn reaches the GPU through Vulkan: it needs the loader (libvulkan1) and the
# vendor's ICD. NVIDIA's driver ships its ICD; in a container that needs
# NVIDIA_DRIVER_CAPABILITIES to include 'graphics' (or 'all').
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1'; then
  if command -v apt-get >/dev/null; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends libvulkan1 >/dev/null
  else
    echo "gpu-bench: install the Vulkan loader (libvulkan.so.1) first" >&2
    exit 1
  fi
fi

command -v pnpm >/dev/null || npm install -g pnpm@10
timeout 180 pnpm install --frozen-lockfile

# Fails in seconds, naming the reason, when there is no hardware adapter.
timeout 60 pnpm study --preset smoke --variants vae --backend webgpu --dry-run --out "$OUT/study" | tee "$OUT/adapter.txt"

status=0
timeout 240 pnpm bench --suite engine,train,sample --backend webgpu --repeats 1 --out "$OUT/bench" || status=$?
timeout 240 pnpm study --preset smoke --variants gan,vae,pcvae,flow,ddpm --backend webgpu --out "$OUT/study" || status=$?

echo "gpu-bench: CSVs in $OUT (bench/engine.csv, bench/train.csv, bench/sample.csv, study/runs.csv)"
exit "$status"
