import { createRequire } from 'node:module';

/**
 * The one font of every figure: DejaVu Sans from the `dejavu-fonts-ttf`
 * package, so PNGs rasterised in a container without system fonts still
 * carry their text, and the SVGs name the same family.
 */
export const FIGURE_FONT = 'DejaVu Sans';

const require = createRequire(import.meta.url);
export const FIGURE_FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((file) => require.resolve(`dejavu-fonts-ttf/ttf/${file}`));
