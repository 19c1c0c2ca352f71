{
  "variables": {
    "openblas%": "<!(node scripts/detect-openblas.cjs)"
  },
  "targets": [
    {
      "target_name": "curtain_native",
      "sources": [
        "csrc/addon.cc", "csrc/gemm.cc", "csrc/gemm_bundled.cc", "csrc/conv.cc",
        "csrc/elementwise.cc", "csrc/reduce.cc", "csrc/adam.cc", "csrc/softmax.cc", "csrc/activations.cc",
        "csrc/pool.cc", "csrc/conv_direct.cc", "csrc/movement.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions", "-O2", "-O3"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++1y", "-O2"],
      "cflags_cc": ["-std=c++17", "-O3", "-march=native", "-fopenmp", "-fno-math-errno", "-fno-trapping-math"],
      "ldflags": ["-fopenmp"],
      "conditions": [
        ["openblas==1", {
          "defines": ["CURTAIN_OPENBLAS"],
          "include_dirs": ["<!(node scripts/detect-openblas.cjs --include)"],
          "libraries": ["-lopenblas"]
        }]
      ]
    }
  ]
}
