/**
 * Custody step 2b: a scan of a unit with a long history (1,000 pack/unpack events, the per-code
 * limit) beside one with a short history (2 events): requests, read units and answer size
 * must be the same, since a scan reads state items and never a chain.
 */

import { parseDigitalLink } from '#kernel/codes/digital-link';
import { MAX_EVENTS_PER_SUBJECT } from '#shared/custody/domain/types';
import { type CustodyContext, chunk } from './custody-context';
import { counted, sameRequests } from './custody-count';
import type { ScanByHistory, ScanRow } from './custody-model';

/** The long history is as long as one code may have. */
const LONG_HISTORY_EVENTS = MAX_EVENTS_PER_SUBJECT;

export const measureScanByHistory = async (ctx: CustodyContext): Promise<ScanByHistory> => {
  const { factory, event, ingest } = ctx;
  const [longCase = '', shortCase = ''] = await ctx.issueContainerUris('case', 2);
  const { uris: historyUnits } = await ctx.issueUnits(2);
  const [longUnit = '', shortUnit = ''] = historyUnits;
  const packUnpack = (unit: string, parent: string, n: number) =>
    Array.from({ length: n }, (_, i) => event(i % 2 === 0 ? 'packing' : 'unpacking', { parent, children: [unit] }));
  for (const calls of chunk(packUnpack(longUnit, longCase, LONG_HISTORY_EVENTS), 100)) await ingest(factory, calls);
  await ingest(factory, packUnpack(shortUnit, shortCase, 2));
  const [pastLimit] = await ctx.ingestEvents(factory, [event('packing', { parent: longCase, children: [longUnit] })]);
  ctx.log(`${LONG_HISTORY_EVENTS} events on one unit`);
  const scanRow = async (uri: string, events: number): Promise<ScanRow> => {
    const { value, count } = await counted(() => ctx.verifyScannedCode(parseDigitalLink(uri)));
    return {
      events,
      count,
      bytes: Buffer.byteLength(JSON.stringify(value)),
      steps: value.custody?.history.length ?? 0,
      omittedSteps: value.custody?.omittedSteps ?? 0,
    };
  };
  await ctx.verifyScannedCode(parseDigitalLink(shortUnit)); // fills the caches the scan uses
  const short = await scanRow(shortUnit, 2);
  const long = await scanRow(longUnit, LONG_HISTORY_EVENTS);
  ctx.log('scans by history length');
  return {
    short,
    long,
    constant: sameRequests(short.count, long.count) && long.count.readUnits === short.count.readUnits,
    pastLimit: pastLimit?.error?.code ?? pastLimit?.status ?? 'none',
  };
};
