import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';
import puppeteer from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { MONTAGE_FILE, REPORT_CSP, renderReport, runStudy } from '../src/index.ts';
import { toyStudy } from './fixtures/toy-study.ts';

/**
 * Opens REPORT.html in a real headless Chromium (Debian's `chromium`, driven
 * over the DevTools protocol by puppeteer-core, which downloads no browser)
 * with every host unresolvable, and checks that the figures and the montage
 * rendered and that the page asked for nothing but itself. CI installs
 * chromium and requires this test; elsewhere it runs where chromium exists.
 */
const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find(
  (file) => file && existsSync(file),
);
const required = process.env.CI === 'true' || process.env.CURTAIN_REQUIRE_CHROMIUM === '1';

/** Share of pixels of a PNG that are not (near) white. */
function inkShare(png: Uint8Array): number {
  const image = PNG.sync.read(Buffer.from(png));
  let ink = 0;
  for (let i = 0; i < image.data.length; i += 4) if (Math.min(image.data[i], image.data[i + 1], image.data[i + 2]) < 200) ink++;
  return ink / (image.width * image.height);
}

describe('REPORT.html in headless Chromium', () => {
  it('finds a browser where CI requires one', () => {
    if (required) expect(CHROMIUM, 'CI needs chromium (apt-get install chromium) for the report test').toBeDefined();
  });

  it.skipIf(!CHROMIUM)(
    'renders every figure and the montage offline, fetching nothing from the network',
    { timeout: 180_000 },
    async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'curtain-report-html-'));
      await runStudy(await toyStudy(dir));
      await renderReport(dir);
      const file = path.join(dir, 'REPORT.html');
      expect(readFileSync(file, 'utf8')).toContain(REPORT_CSP);

      const browser = await puppeteer.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--host-resolver-rules=MAP * ~NOTFOUND', '--proxy-server=127.0.0.1:9'],
      });
      try {
        const page = await browser.newPage();
        await page.setViewport({ width: 1280, height: 1600 });
        const requests: string[] = [];
        const violations: string[] = [];
        await page.setRequestInterception(true);
        page.on('request', (request) => {
          const url = request.url();
          if (url.startsWith('file:') || url.startsWith('data:')) return void request.continue();
          requests.push(url);
          void request.abort();
        });
        page.on('console', (message) => {
          if (/Content Security Policy|Failed to load/i.test(message.text())) violations.push(message.text());
        });
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });

        const figures = await page.$$eval('figure.chart svg', (svgs) =>
          svgs.map((svg) => {
            const box = svg.getBoundingClientRect();
            return { width: box.width, height: box.height, marks: svg.querySelectorAll('path').length, text: svg.textContent ?? '' };
          }),
        );
        const titles = figures.map((f) => f.text);
        expect(titles.some((t) => t.includes('Sample quality against training compute'))).toBe(true);
        expect(titles.some((t) => t.includes('Sample quality against sampling cost'))).toBe(true);
        expect(titles.some((t) => t.includes('Held-out bits/dim against training compute'))).toBe(true);
        expect(titles.some((t) => t.includes('Training loss against training compute'))).toBe(true);
        for (const figure of figures) {
          expect(figure.width).toBeGreaterThan(200);
          expect(figure.height).toBeGreaterThan(150);
          expect(figure.marks).toBeGreaterThan(5);
        }
        const charts = await page.$$('figure.chart');
        for (const chart of charts) expect(inkShare(await chart.screenshot())).toBeGreaterThan(0.01);

        const montage = await page.$(`img[alt="samples by training budget"]`);
        expect(montage, `${MONTAGE_FILE} inlined`).not.toBeNull();
        expect(await montage!.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(100);
        expect(inkShare(await montage!.screenshot())).toBeGreaterThan(0.05);

        const answer = await page.$eval('h2', (h) => h.textContent);
        expect(answer).toBe('The answer');
        const shot = await page.screenshot({ fullPage: true });
        expect(inkShare(shot)).toBeGreaterThan(0.02);
        expect(requests).toEqual([]);
        expect(violations).toEqual([]);

        // the same checks catch a page that does reach out
        const leaky = path.join(dir, 'leaky.html');
        writeFileSync(leaky, readFileSync(file, 'utf8').replace('</body>', '<img src="https://example.com/pixel.png"></body>'));
        await page.goto(pathToFileURL(leaky).href, { waitUntil: 'load' });
        expect(requests.length + violations.length).toBeGreaterThan(0);
      } finally {
        await browser.close();
      }
    },
  );
});
