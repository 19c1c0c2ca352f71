// Prints 1 when a system OpenBLAS (cblas.h + libopenblas) is present, else 0.
// With --include prints the directory holding cblas.h. Used by binding.gyp.
const fs = require('node:fs');
const path = require('node:path');

const includeDirs = [
  '/usr/include/x86_64-linux-gnu',
  '/usr/include/aarch64-linux-gnu',
  '/usr/include/openblas',
  '/usr/include',
  '/usr/local/include',
  '/opt/homebrew/opt/openblas/include',
];
const libDirs = [
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib64',
  '/usr/lib',
  '/usr/local/lib',
  '/opt/homebrew/opt/openblas/lib',
];

const inc = includeDirs.find(
  (d) => fs.existsSync(path.join(d, 'cblas.h')) && fs.readFileSync(path.join(d, 'cblas.h'), 'utf8').includes('openblas_set_num_threads'),
);
const lib = libDirs.find((d) => ['libopenblas.so', 'libopenblas.dylib'].some((f) => fs.existsSync(path.join(d, f))));
const off = process.env.CURTAIN_NO_OPENBLAS === '1';
if (process.argv.includes('--include')) process.stdout.write(inc ?? '/usr/include');
else process.stdout.write(!off && inc && lib ? '1' : '0');
