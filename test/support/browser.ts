import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Headless Chromium for the page tests: Debian's own build, driven by playwright-core
 * (which ships no browser). The flags keep it off the network it would otherwise try to
 * reach at start-up (component updates, sync, QUIC probes); on a closed network it fails
 * to start without them.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_MISSING = `Chromium was not found at ${CHROMIUM_PATH}; the page tests need it. Install it with: apt-get install -y chromium`;

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Throws (so the test fails, never skips) when Chromium is not installed. */
export const launchChromium = async (): Promise<Browser> => {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(CHROMIUM_MISSING);
  try {
    return await chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS, timeout: 60_000 });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Chromium at ${CHROMIUM_PATH} did not start: ${reason}`);
  }
};
