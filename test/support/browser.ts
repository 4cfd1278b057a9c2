import { existsSync } from 'node:fs';
import sparticuz from '@sparticuz/chromium';
import { type Browser, chromium } from 'playwright-core';
import { installCjkFont } from './cjk-font';

/**
 * Headless Chromium for the page tests, driven by playwright-core (which ships no browser).
 * The browser comes from the npm registry: @sparticuz/chromium carries a Chromium build with
 * its own libraries and fonts, so `npm install && npm test` needs nothing from the system.
 * Debian's `chromium` is the fallback where the packaged build cannot start.
 */
export const SYSTEM_CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * The package's own start flags, less the ones that would weaken what the tests check
 * (web security, mixed content), plus ours that keep it off the network it would otherwise
 * try to reach at start-up: on a closed network it stalls without them.
 */
const WEAKENING = new Set(['--disable-web-security', '--allow-running-insecure-content', '--disable-site-isolation-trials']);
const OFFLINE = [
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SYSTEM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', ...OFFLINE];

const launch = (executablePath: string, args: string[], env: Record<string, string> = {}): Promise<Browser> =>
  chromium.launch({ executablePath, args, timeout: 60_000, env: { ...process.env, ...env } });

/**
 * Throws (so the test fails, never skips) when no Chromium starts. `args` adds start flags
 * for one file's browser (a fake camera fed from a file, for instance).
 */
export const launchChromium = async (args: readonly string[] = []): Promise<Browser> => {
  const failures: string[] = [];
  try {
    const executablePath = await sparticuz.executablePath();
    const fontEnv = await installCjkFont();
    return await launch(executablePath, [...sparticuz.args.filter((arg) => !WEAKENING.has(arg)), ...OFFLINE, ...args], fontEnv);
  } catch (error) {
    failures.push(`@sparticuz/chromium: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (existsSync(SYSTEM_CHROMIUM_PATH)) {
    try {
      return await launch(SYSTEM_CHROMIUM_PATH, [...SYSTEM_ARGS, ...args]);
    } catch (error) {
      failures.push(`${SYSTEM_CHROMIUM_PATH}: ${error instanceof Error ? error.message : String(error)}`);
    }
  } else {
    failures.push(`${SYSTEM_CHROMIUM_PATH}: not installed`);
  }
  throw new Error(`No headless Chromium could start for the page tests:\n${failures.join('\n')}`);
};

/**
 * One Chromium per test file: `start` in beforeAll launches it without waiting (a missing
 * browser then fails each test that asks for it, never skips one), `get` waits for it in a
 * test, `close` in afterAll.
 */
export const browserForFile = (options: { args?: readonly string[] } = {}) => {
  let launching: Promise<Browser> | undefined;
  return {
    start(): void {
      launching = launchChromium(options.args);
      launching.catch(() => undefined);
    },
    get(): Promise<Browser> {
      if (launching === undefined) throw new Error('the browser was not launched');
      return launching;
    },
    async close(): Promise<void> {
      await launching?.then(
        (browser) => browser.close(),
        () => undefined,
      );
    },
  };
};
