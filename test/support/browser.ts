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
 * What a test may add to the flags: devices it fakes (a camera showing a file). A flag that
 * would weaken what the tests check is refused, whoever asks for it.
 */
export interface ChromiumOptions {
  readonly extraArgs?: readonly string[];
}

const extraArgsOf = (options: ChromiumOptions): string[] => {
  const extra = [...(options.extraArgs ?? [])];
  const weakening = extra.filter((arg) => WEAKENING.has(arg.split('=')[0] ?? arg));
  if (weakening.length > 0) throw new Error(`refused Chromium flags: ${weakening.join(' ')}`);
  return extra;
};

/** Throws (so the test fails, never skips) when no Chromium starts. */
export const launchChromium = async (options: ChromiumOptions = {}): Promise<Browser> => {
  const failures: string[] = [];
  const extra = extraArgsOf(options);
  try {
    const executablePath = await sparticuz.executablePath();
    const fontEnv = await installCjkFont();
    return await launch(executablePath, [...sparticuz.args.filter((arg) => !WEAKENING.has(arg)), ...OFFLINE, ...extra], fontEnv);
  } catch (error) {
    failures.push(`@sparticuz/chromium: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (existsSync(SYSTEM_CHROMIUM_PATH)) {
    try {
      return await launch(SYSTEM_CHROMIUM_PATH, [...SYSTEM_ARGS, ...extra]);
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
export const browserForFile = (fileOptions: ChromiumOptions = {}) => {
  let launching: Promise<Browser> | undefined;
  return {
    /** `options` add flags for this file's browser (a fake camera); never weakening ones. */
    start(options: ChromiumOptions = fileOptions): void {
      launching = launchChromium(options);
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
