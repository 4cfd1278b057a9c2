/**
 * The web part of `npm run bench` (skip it with --no-web): how long the console's and the
 * workers' app's first screen takes to show in the npm Chromium, each beside a blank page
 * served from the same loopback in the same round. A fresh browser context per load, so
 * nothing is cached: this is a first visit. No goal (the size budgets are the tests'); the
 * ratio says what the apps cost over the browser's own floor on this machine.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../../test/support/browser';
import { buildWeb } from '../dev/build-web';
import { fmt, median, spread, table } from './measure';

export const WEB_ROUNDS = 7;

/** What counts as shown: each app's first heading, which it renders once it has started. */
const APPS = [
  { name: 'console', path: '/console/', ready: 'h1' },
  { name: 'scan app', path: '/scan/', ready: 'h1' },
] as const;

export interface WebLoadFigure {
  name: string;
  ms: number;
  range: [number, number];
  blankMs: number;
  ratio: number;
}

export interface WebLoadResult {
  rounds: number;
  figures: WebLoadFigure[];
}

const blankServer = async () => {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>blank</title><h1>blank</h1>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => server.close() };
};

export const benchWebLoad = async (): Promise<WebLoadResult> => {
  process.env.LOG_LEVEL ??= 'silent';
  await buildWeb({ quiet: true });
  const { startLocalRuntime } = await import('../local/runtime');
  const dataDir = await mkdtemp(join(tmpdir(), 'traceseal-bench-web-'));
  const runtime = await startLocalRuntime({ port: 0, dataDir, inMemory: true, tableName: 'traceseal-bench-web' });
  const blank = await blankServer();
  const browser = await launchChromium();
  try {
    const load = async (url: string, ready: string): Promise<number> => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
      const page = await context.newPage();
      const t0 = performance.now();
      await page.goto(url);
      await page.locator(ready).first().waitFor();
      const ms = performance.now() - t0;
      await page.close();
      return ms;
    };
    const samples = APPS.map(() => ({ ms: [] as number[], blank: [] as number[], ratio: [] as number[] }));
    // Warm-up: the browser's own first start and the gateway's first requests.
    for (const app of APPS) await load(`${runtime.url}${app.path}`, app.ready);
    for (let round = 0; round < WEB_ROUNDS; round++) {
      for (const [i, app] of APPS.entries()) {
        const blankMs = await load(blank.url, 'h1');
        const ms = await load(`${runtime.url}${app.path}`, app.ready);
        const sample = samples[i];
        sample?.ms.push(ms);
        sample?.blank.push(blankMs);
        sample?.ratio.push(ms / blankMs);
      }
    }
    return {
      rounds: WEB_ROUNDS,
      figures: APPS.map((app, i) => {
        const sample = samples[i] ?? { ms: [0], blank: [0], ratio: [0] };
        return {
          name: app.name,
          ms: median(sample.ms),
          range: spread(sample.ms),
          blankMs: median(sample.blank),
          ratio: median(sample.ratio),
        };
      }),
    };
  } finally {
    await browser.close().catch(() => undefined);
    blank.close();
    await runtime.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
};

export const printWebLoad = (result: WebLoadResult | undefined, skipped: string | undefined): void => {
  if (result === undefined) {
    console.log(`\nWeb apps' first load: skipped (${skipped ?? 'disabled'})`);
    return;
  }
  const rows = [['Web app (first visit, npm Chromium)', 'Shown ms (median)', 'Range ms', 'Blank page ms', 'App / blank']];
  for (const f of result.figures) {
    rows.push([f.name, fmt(f.ms, 0), `${fmt(f.range[0], 0)}–${fmt(f.range[1], 0)}`, fmt(f.blankMs, 0), fmt(f.ratio, 2)]);
  }
  console.log(`\nWeb apps' first screen shown, beside a blank page from the same loopback, ${result.rounds} interleaved rounds`);
  console.log(table(rows));
  console.log(JSON.stringify({ webLoad: result }));
};
