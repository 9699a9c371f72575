/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The HTML report in a real browser: Debian's Chromium, driven by playwright-core
 * (no browser download), one launch for every check. The reports are written by the
 * built binary and opened from disk. Skipped, saying why, only when /usr/bin/chromium
 * is missing (.ci/run installs it).
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MALL, ROOT, runGmm } from '../e2e/run-gmm.js';
import { inkStatistics } from './png.js';

const CHROMIUM = process.env.GMM_CHROMIUM ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) {
  console.warn(`browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);
}

const HOSTILE = join(ROOT, 'fixtures', 'hostile', 'report-names.csv');

interface Opened {
  readonly page: Page;
  readonly consoleErrors: string[];
  readonly requests: string[];
}

describe.skipIf(!available)('the HTML report in Chromium', () => {
  let context: BrowserContext;
  let dir: string;
  const opened = new Map<string, Opened>();

  /** Opens a report from disk and waits until every chart has rendered (or failed). */
  async function open(name: string, file: string): Promise<Opened> {
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    page.on('request', (request) => {
      if (!request.url().startsWith('file:')) requests.push(request.url());
    });
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(
      () => (window as unknown as { gmmReport?: { done: boolean } }).gmmReport?.done === true,
      null,
      { timeout: 30_000 },
    );
    const result = { page, consoleErrors, requests };
    opened.set(name, result);
    return result;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gmm-browser-'));
    const sweep = runGmm([
      'select-k',
      MALL,
      '--cols',
      'income,score',
      '-k',
      '1..6',
      '--covariance',
      'full,diag',
      '--profile',
      'gender,age',
      '--report',
      join(dir, 'mall.html'),
      '-q',
    ]);
    expect(sweep.stderr).toBe('');
    const hostile = runGmm([
      'fit',
      HOSTILE,
      '--cols',
      '1,2,3',
      '-k',
      '2',
      '--profile',
      '4,5',
      '--report',
      join(dir, 'hostile.html'),
      '-q',
    ]);
    expect(hostile.stderr).toBe('');
    context = await chromium.launchPersistentContext(mkdtempSync(join(dir, 'profile-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1366, height: 768 },
    });
    // Anything but the file itself is refused, and recorded by the request listener.
    await context.route(/^(?!file:)/, (route) => route.abort());
    await open('mall', join(dir, 'mall.html'));
    await open('hostile', join(dir, 'hostile.html'));
  }, 120_000);

  afterAll(async () => {
    await context?.close();
  });

  it.each(['mall', 'hostile'])(
    '%s: every chart has rendered marks, with no console error',
    async (name) => {
      const { page, consoleErrors } = opened.get(name)!;
      const charts = await page.evaluate(() => {
        interface Item {
          items?: Item[];
          marktype?: string;
          bounds?: { x1: number; x2: number };
        }
        const report = (
          window as unknown as {
            gmmReport: { views: { scenegraph(): { root: Item } }[]; errors: string[] };
          }
        ).gmmReport;
        // Marks drawn with a non-empty extent, per chart: every symbol, line, rect, … item.
        const count = (item: Item): number =>
          (item.marktype !== undefined && item.marktype !== 'group' && item.items !== undefined
            ? item.items.filter((i) => i.bounds !== undefined && i.bounds.x2 >= i.bounds.x1).length
            : 0) + (item.items ?? []).reduce((sum, child) => sum + count(child), 0);
        return {
          ids: [...document.querySelectorAll('.chart')].map((e) => e.id),
          marks: report.views.map((view) => count(view.scenegraph().root)),
          errors: report.errors,
        };
      });
      expect(charts.errors).toEqual([]);
      expect(charts.marks).toHaveLength(charts.ids.length);
      // scatter matrix, means, one category chart, certainty; and the sweep's chart for select-k
      expect(charts.ids.length).toBe(name === 'mall' ? 5 : 4);
      for (const marks of charts.marks) expect(marks).toBeGreaterThan(5);
      expect(consoleErrors).toEqual([]);
    },
  );

  it('a tooltip with the row, its input columns and its probabilities appears on hover', async () => {
    const { page } = opened.get('mall')!;
    const point = page
      .locator('#chart-scatter path[role="graphics-symbol"], #chart-scatter .mark-symbol path')
      .first();
    await point.scrollIntoViewIfNeeded();
    await point.hover({ force: true });
    const tooltip = page.locator('#vg-tooltip-element');
    await expect.poll(() => tooltip.isVisible(), { timeout: 5000 }).toBe(true);
    const text = await tooltip.innerText();
    expect(text).toContain('Annual Income (k$)');
    expect(text).toContain('Spending Score (1-100)');
    expect(text).toContain('Gender');
    expect(text).toContain('P(segment 1)');
    expect(text).toContain('certainty');
  });

  it('a click on a legend entry highlights that segment in every panel', async () => {
    const { page } = opened.get('hostile')!;
    const opacities = () =>
      page.evaluate(() =>
        [...document.querySelectorAll('#chart-scatter .mark-symbol path')].map((p) =>
          p.getAttribute('opacity'),
        ),
      );
    const before = await opacities();
    await page.locator('#chart-scatter .role-legend-symbol path').first().click();
    await expect
      .poll(async () => (await opacities()).filter((o) => o === '0.06').length)
      .toBeGreaterThan(0);
    const after = await opacities();
    // 3 panels of 60 points (and 2 means each): segment 2's 30 points fade in each panel
    expect(before.filter((o) => o === '0.06')).toHaveLength(0);
    expect(after.filter((o) => o === '0.06')).toHaveLength(90);
    await page.dblclick('#chart-scatter svg', { position: { x: 5, y: 5 } });
  });

  it('names from the data stay text: no script of theirs runs, no markup of theirs appears', async () => {
    const { page, consoleErrors } = opened.get('hostile')!;
    const state = await page.evaluate(() => ({
      pwned: (window as unknown as { pwned?: unknown }).pwned,
      scripts: document.scripts.length,
      images: document.images.length,
      bold: document.querySelectorAll('main b:not(.figure b)').length,
      text: document.body.innerText,
    }));
    expect(state.pwned).toBeUndefined();
    // the JSON block and the four of the report: none added by a name
    expect(state.scripts).toBe(5);
    expect(state.images).toBe(0);
    expect(state.text).toContain('</script><script>window.pwned=1</script>');
    expect(state.text).toContain('<img src=x onerror="window.pwned=2">');
    expect(state.text).toContain('__proto__');
    expect(state.text).toContain('constructor');
    // the scatter matrix's axis titles name the hostile columns as text
    const svgText = await page.locator('#chart-scatter svg').first().textContent();
    expect(svgText).toContain('__proto__');
    expect(svgText).toContain('constructor');
    expect(consoleErrors).toEqual([]);
  });

  it('makes no network request', () => {
    for (const { requests } of opened.values()) expect(requests).toEqual([]);
  });

  it('screenshots are not blank (the viewport and the full page)', async () => {
    const { page } = opened.get('mall')!;
    await page.evaluate(() => window.scrollTo(0, 0));
    const viewport = await page.screenshot();
    const full = await page.screenshot({ fullPage: true });
    const shots = process.env.GMM_SCREENSHOTS;
    if (shots !== undefined) {
      writeFileSync(join(shots, 'report-1366x768.png'), viewport);
      writeFileSync(join(shots, 'report-full.png'), full);
    }
    for (const png of [viewport, full]) {
      const { colours, inked } = inkStatistics(png);
      expect(colours).toBeGreaterThan(50);
      expect(inked).toBeGreaterThan(0.05);
    }
  });
});
