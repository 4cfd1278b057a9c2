import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '#kernel/db/dynamodb-client';
import { PAGE_MESSAGES } from '#shared/verification/http/page-messages';
import { custodyEvent, issueUnits, postEvents } from '../support/custody';
import { factoryWithProduct } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';
import { writeScanFlag } from '../support/scan-flags';

/**
 * A genuine code copied onto a thousand fakes used to answer "genuine" to every one of
 * them. Once anomaly detection flags the unit, each scan of that code, JSON and page, says so:
 * amber for a suspect pattern, red for a blocked code, and neither is cached for a day.
 */
let service: TestService;
let adminToken: string;
beforeAll(async () => ({ service, adminToken } = await startTestServiceWithAdmin()));
afterAll(async () => service?.stop());

const FLAGGED_AT = '2026-11-20T09:30:00.000Z';

interface Verdict {
  status: string;
  message: string;
  scanAlert?: { level: string; rules: string[]; since?: string };
}

const scanJson = async (uri: string) => {
  const res = await fetch(uri, { headers: { accept: 'application/json' } });
  expect(res.status).toBe(200);
  return { body: (await res.json()) as Verdict, cacheControl: res.headers.get('cache-control') ?? '' };
};

const scanPage = async (uri: string, lang: 'en' | 'zh-CN') => {
  const res = await fetch(uri, { headers: { accept: 'text/html', 'accept-language': lang } });
  expect(res.status).toBe(200);
  return { html: await res.text(), cacheControl: res.headers.get('cache-control') ?? '' };
};

const lightweight = async (uri: string) => {
  const url = new URL(uri);
  url.searchParams.set('linkType', 'gs1:verificationService');
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: Record<string, unknown> }).data;
};

/** Cached a minute at most: a block set or lifted shows within a minute, never a day later. */
const expectShortCache = (cacheControl: string) => {
  expect(cacheControl).toMatch(/s-maxage=60\b/);
  expect(cacheControl).not.toContain('86400');
};

interface Read {
  command: string;
  sk: unknown;
  input: Record<string, unknown>;
  start: number;
  end: number;
}

/** Every DynamoDB request `run` makes, with its key's sort key and when it started and ended. */
const recordReads = async (run: () => Promise<unknown>): Promise<Read[]> => {
  const reads: Read[] = [];
  const name = `scan-flag-reads-${Math.random().toString(36).slice(2)}`;
  documentClient.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      const read: Read = {
        command: context.commandName ?? '?',
        sk: (input.Key as { sk?: unknown } | undefined)?.sk,
        input,
        start: performance.now(),
        end: Number.POSITIVE_INFINITY,
      };
      reads.push(read);
      try {
        return await next(args);
      } finally {
        read.end = performance.now();
      }
    },
    { step: 'initialize', name },
  );
  try {
    await run();
  } finally {
    documentClient.middlewareStack.remove(name);
  }
  return reads;
};

describe('a scan of a flagged unit', () => {
  // First in this file, and by HEAD (the same handler, never logged as a scan): the local
  // gateway's in-process aggregator has nothing to do while the reads are recorded.
  it('reads the flag once, projected and eventually consistent, side by side with the custody state', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const [unit = ''] = await issueUnits(service, factory.token, gtin, `RD${Date.now() % 1e6}`, 1);
    await writeScanFlag(unit, { level: 'suspect', rules: ['too_many_scans'], at: FLAGGED_AT });
    const head = async () =>
      expect((await fetch(unit, { method: 'HEAD', headers: { accept: 'application/json' } })).status).toBe(200);
    await head();
    const reads = await recordReads(head);
    const flag = reads.filter((r) => r.sk === 'SCANS');
    expect(flag).toHaveLength(1);
    expect(flag[0]?.input.ProjectionExpression).toBe('#flag, #rules, #at');
    expect(flag[0]?.input.ConsistentRead).toBeUndefined();
    const state = reads.find((r) => r.sk === 'STATE');
    // Never serially after: the flag read starts before the custody state read has ended.
    expect(flag[0]?.start ?? Number.POSITIVE_INFINITY).toBeLessThan(state?.end ?? 0);
    expect(reads.map((r) => r.command)).toEqual(['GetItemCommand', 'GetItemCommand', 'GetItemCommand']);
  });

  it('answers a copied (blocked) code red, not genuine, in JSON, the page and the lightweight message', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const [copied = ''] = await issueUnits(service, factory.token, gtin, `BL${Date.now() % 1e6}`, 1);
    expect((await scanJson(copied)).body.status).toBe('genuine');

    await writeScanFlag(copied, { level: 'blocked', rules: ['impossible_travel', 'too_many_scans'], at: FLAGGED_AT });
    const { body, cacheControl } = await scanJson(copied);
    expect(body.status).toBe('blocked');
    expect(body.message).toMatch(/blocked/i);
    expect(body.scanAlert).toEqual({ level: 'blocked', rules: ['impossible_travel', 'too_many_scans'], since: FLAGGED_AT });
    expectShortCache(cacheControl);
    expect(await lightweight(copied)).toEqual({ verified: false, additionalInfo: 'Suspect' });

    for (const lang of ['zh-CN', 'en'] as const) {
      const m = PAGE_MESSAGES[lang];
      const page = await scanPage(copied, lang);
      expect(page.html).toContain('<header data-status="blocked">');
      expect(page.html).toContain(m.lights.blocked.title);
      expect(page.html).toContain(m.scanAlert.rules.impossible_travel);
      expect(page.html).toContain(m.scanAlert.whatToDo.blocked);
      expect(page.html).toContain('action="/v1/reports"');
      expectShortCache(page.cacheControl);
    }
  });

  it('keeps a suspect unit genuine, says why beside it, and turns the page amber', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const [unit = ''] = await issueUnits(service, factory.token, gtin, `SU${Date.now() % 1e6}`, 1);
    await writeScanFlag(unit, { level: 'suspect', rules: ['outside_market'], at: FLAGGED_AT });

    const { body, cacheControl } = await scanJson(unit);
    expect(body.status).toBe('genuine');
    expect(body.scanAlert).toEqual({ level: 'suspect', rules: ['outside_market'], since: FLAGGED_AT });
    expectShortCache(cacheControl);
    expect(await lightweight(unit)).toEqual({ verified: true });

    for (const lang of ['zh-CN', 'en'] as const) {
      const m = PAGE_MESSAGES[lang];
      const { html } = await scanPage(unit, lang);
      expect(html).toContain('<header data-status="suspect">');
      expect(html).toContain(m.lights.suspect.title);
      expect(html).toContain(m.scanAlert.rules.outside_market);
      expect(html).toContain(m.scanAlert.whatToDo.suspect);
    }
  });

  it('still answers recalled for a recalled unit that is also blocked, with the block beside it', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const lot = `RB${Date.now() % 1e6}`;
    const [unit = ''] = await issueUnits(service, factory.token, gtin, lot, 1);
    expect((await postEvents(service, factory.token, [custodyEvent('recall', { lot: { gtin, lot } })])).status).toBe(200);
    await writeScanFlag(unit, { level: 'blocked', rules: ['far_from_sale'], at: FLAGGED_AT });

    const { body } = await scanJson(unit);
    expect(body.status).toBe('recalled');
    expect(body.scanAlert?.level).toBe('blocked');
    const { html } = await scanPage(unit, 'en');
    expect(html).toContain('<header data-status="recalled">');
    expect(html).toContain(PAGE_MESSAGES.en.scanAlert.rules.far_from_sale);
  });
});
