import { type tf, writeFileAtomic } from '@curtain/core';
import { PNG } from 'pngjs';

/** Tiles up to rows*cols grayscale images [n, H, W, 1] in [0,1] into one PNG (2 px gutters), written atomically. */
export async function writeSampleGrid(file: string, images: tf.Tensor4D, cols = 8, scale = 2): Promise<void> {
  const [n, h, w] = images.shape;
  const count = Math.min(n, cols * cols);
  const rows = Math.ceil(count / cols);
  const gutter = 2;
  const width = cols * (w * scale + gutter) + gutter;
  const height = rows * (h * scale + gutter) + gutter;
  const png = new PNG({ width, height });
  png.data.fill(255);
  const values = await images.data();
  for (let i = 0; i < count; i++) {
    const ox = gutter + (i % cols) * (w * scale + gutter);
    const oy = gutter + Math.floor(i / cols) * (h * scale + gutter);
    for (let y = 0; y < h * scale; y++) {
      for (let x = 0; x < w * scale; x++) {
        const v = values[i * h * w + Math.floor(y / scale) * w + Math.floor(x / scale)];
        const level = Math.max(0, Math.min(255, Math.round((Number.isFinite(v) ? v : 0) * 255)));
        const at = ((oy + y) * width + ox + x) * 4;
        png.data[at] = level;
        png.data[at + 1] = level;
        png.data[at + 2] = level;
        png.data[at + 3] = 255;
      }
    }
  }
  writeFileAtomic(file, PNG.sync.write(png));
}
