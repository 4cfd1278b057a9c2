/**
 * Custody step 1: DynamoDB requests per event type, by command, and the items each event writes.
 * One event per ingestEvents call, so every row includes the one GetItem of the caller's
 * organization that a call makes whatever its number of events. After one call that fills
 * the per-container caches (public keys, product, organizations), the scenario runs twice
 * on fresh codes and the two rounds must count the same.
 */

import type { Principal } from '#kernel/auth/principal';
import type { EventInput } from '#shared/custody/services/events/ingest-events';
import { type CustodyContext, pick } from './custody-context';
import { counted, sameRequests } from './custody-count';
import { type EventRow, GTIN, MAX_CODES } from './custody-model';

const MEASURED_ROUNDS = 2;
/** Units one round takes from the pool: 1 to pack, MAX_CODES to pack and unpack, 4 single. */
const PER_ROUND_UNITS = 1 + MAX_CODES + 4;

export const measureEventTypes = async (ctx: CustodyContext): Promise<{ events: EventRow[]; eventsAgree: boolean }> => {
  const { factory, distributor, event, ingest, take } = ctx;
  // 3 more for the call that fills the caches, and 1 that the pallet part ships first.
  take.refill((await ctx.issueUnits(MEASURED_ROUNDS * PER_ROUND_UNITS + 3 + 1)).uris);
  const recallLots: { loose: { lot: string }; packed: { lot: string; uris: string[] } }[] = [];
  for (let round = 0; round < MEASURED_ROUNDS; round++) {
    recallLots.push({ loose: await ctx.issueUnits(1), packed: await ctx.issueUnits(MAX_CODES) });
  }
  const scenarioCases = await ctx.issueContainerUris('case', MEASURED_ROUNDS * 4 + 1);
  ctx.log('issued scenario codes');

  // Fills the per-container caches (public keys, the product, both organizations).
  await ingest(factory, [
    event('packing', { parent: pick(scenarioCases, MEASURED_ROUNDS * 4), children: take.units(1) }),
    event('shipping', { epcs: take.units(1), destination: distributor.orgId }),
    event('decommissioning', { epcs: take.units(1) }),
  ]);

  const scenario = async (round: number): Promise<EventRow[]> => {
    const rows: EventRow[] = [];
    const measure = async (name: string, modelItems: number, who: Principal, input: EventInput) => {
      const { count } = await counted(() => ingest(who, [input]));
      rows.push({ event: name, modelItems, count });
    };
    const [case1 = '', case2 = '', case3 = '', case4 = ''] = scenarioCases.slice(round * 4, round * 4 + 4);
    const one = take.units(1);
    const many = take.units(MAX_CODES);
    const [moving = '', used = '', recalled = '', packedRecalled = ''] = take.units(4);
    const lots = pick(recallLots, round);

    await measure('packing, 1 child', 1 + 2 * 2, factory, event('packing', { parent: case1, children: one }));
    await measure(
      `packing, ${MAX_CODES} children`,
      1 + 2 * (MAX_CODES + 1),
      factory,
      event('packing', { parent: case2, children: many }),
    );
    await measure(
      `unpacking, ${MAX_CODES} children`,
      1 + 2 * (MAX_CODES + 1),
      factory,
      event('unpacking', { parent: case2, children: many }),
    );
    await measure('shipping, 1 unit', 3, factory, event('shipping', { epcs: [moving], destination: distributor.orgId }));
    await measure('receiving, 1 unit', 3, distributor, event('receiving', { epcs: [moving] }));
    await measure('retail_selling, 1 unit', 3, distributor, event('retail_selling', { epcs: [moving] }));
    await measure('decommissioning, 1 unit', 3, factory, event('decommissioning', { epcs: [used] }));
    await measure('recall, 1 listed unit', 3, factory, event('recall', { epcs: [recalled], reason: 'bench' }));
    await ingest(factory, [event('packing', { parent: case3, children: [packedRecalled] })]);
    // The unit's state and link, and a flag (no link) on the case it is packed in.
    await measure(
      'recall, 1 listed unit packed in a case',
      4,
      factory,
      event('recall', { epcs: [packedRecalled], reason: 'bench' }),
    );
    // The recall's event record, the batch flag, and the mark that its container pass is done.
    await measure(
      'recall, whole lot of 1 loose unit',
      3,
      factory,
      event('recall', { lot: { gtin: GTIN, lot: lots.loose.lot }, reason: 'bench' }),
    );
    await ingest(factory, [event('packing', { parent: case4, children: lots.packed.uris })]);
    // The event record, the batch flag, a flag on the one case that holds the lot, the mark.
    await measure(
      `recall, whole lot of ${MAX_CODES} units packed in a case`,
      4,
      factory,
      event('recall', { lot: { gtin: GTIN, lot: lots.packed.lot }, reason: 'bench' }),
    );
    return rows;
  };
  const first = await scenario(0);
  const second = await scenario(1);
  const events = first.map((row, i) => {
    const other = second[i];
    return other === undefined || sameRequests(row.count, other.count) ? row : { ...row, secondRound: other.count };
  });
  ctx.log('event types measured');
  return { events, eventsAgree: events.every((row) => row.secondRound === undefined) };
};
