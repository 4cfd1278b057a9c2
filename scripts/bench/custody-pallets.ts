/**
 * Custody step 2: shipping and then receiving a pallet of 1, 100 and 10,000 units. Requests and
 * items written must not depend on the size (custody of packed units resolves through the
 * container). Then a unit inside each pallet is verified through verifyScannedCode, and the
 * unit in the 10,000 pallet must show custody `at_distributor`. Last, the big pallet's whole
 * lot is recalled, to show what a lot recall reads, and then sent again 100 times in one
 * call, to show that repeats cost next to nothing.
 */
import { parseDigitalLink } from '#kernel/codes/digital-link';
import { type CustodyContext, chunk, pick } from './custody-context';
import { counted, type OpCount, sameRequests } from './custody-count';
import { GTIN, type LotRecall, type LotRecallRepeated, MAX_CODES, PACKING_EVENTS_PER_CALL, type SizeRow } from './custody-model';

/** Container sizes of this step. */
const PALLET_SIZES = [1, 100, 10_000] as const;
const REPEATED_RECALLS = 100;

export interface PalletsResult {
  sizes: SizeRow[];
  sizeConstant: boolean;
  verifiedAtDistributor: boolean;
  buildSeconds: number;
  /** Events per second of each call that packed 48-unit events into the big pallet. */
  packingRates: number[];
  lotRecall: LotRecall;
  lotRecallRepeated: LotRecallRepeated;
}

export const measurePallets = async (ctx: CustodyContext): Promise<PalletsResult> => {
  const { factory, event, ingest } = ctx;
  const buildStarted = performance.now();
  const pallets = await ctx.issueContainerUris('pallet', PALLET_SIZES.length);
  const palletUnits: string[][] = [];
  const palletLots: string[] = [];
  for (const size of PALLET_SIZES) {
    // A fresh lot per pallet (a lot holds at most 10,000 codes).
    const { lot, uris } = await ctx.issueUnits(size);
    palletUnits.push(uris);
    palletLots.push(lot);
  }
  const spare = ctx.take.units(1);
  ctx.log('issued pallet codes');
  const packingEvents: number[] = [];
  const packingRates: number[] = [];
  for (const [i, units] of palletUnits.entries()) {
    const parent = pick(pallets, i);
    const groups = chunk(units, MAX_CODES);
    packingEvents.push(groups.length);
    for (const calls of chunk(groups, PACKING_EVENTS_PER_CALL)) {
      const t0 = performance.now();
      await ingest(
        factory,
        calls.map((children) => event('packing', { parent, children })),
      );
      if (units.length === 10_000 && calls.every((c) => c.length === MAX_CODES)) {
        packingRates.push(calls.length / ((performance.now() - t0) / 1000));
      }
    }
    ctx.log(`packed ${units.length} unit(s) in ${groups.length} event(s)`);
  }
  const buildSeconds = (performance.now() - buildStarted) / 1000;

  // A receiver registered now, and one unmeasured shipment to it, so its organization is
  // fresh in the 60-second cache while the pallets are shipped and received.
  const receiver = await ctx.register('distributor', 'Bench Custody Receiver');
  await ingest(factory, [event('shipping', { epcs: spare, destination: receiver.orgId })]);
  const ships: OpCount[] = [];
  for (const pallet of pallets) {
    ships.push(
      (await counted(() => ingest(factory, [event('shipping', { epcs: [pallet], destination: receiver.orgId })]))).count,
    );
  }
  const receives: OpCount[] = [];
  for (const pallet of pallets) {
    receives.push((await counted(() => ingest(receiver, [event('receiving', { epcs: [pallet] })]))).count);
  }
  const inside = palletUnits.map((units) => pick(units, Math.floor(units.length / 2)));
  await ctx.verifyScannedCode(parseDigitalLink(pick(inside, 0))); // fills the caches the scan uses
  const sizes: SizeRow[] = [];
  for (const [i, units] of palletUnits.entries()) {
    const { value, count } = await counted(() => ctx.verifyScannedCode(parseDigitalLink(pick(inside, i))));
    sizes.push({
      units: units.length,
      packingEvents: pick(packingEvents, i),
      ship: pick(ships, i),
      receive: pick(receives, i),
      verify: {
        ...count,
        status: value.status,
        state: value.custody?.state ?? 'none',
        history: value.custody?.history.map((h) => h.step) ?? [],
      },
    });
  }
  const firstSize = sizes[0];
  const sizeConstant =
    firstSize !== undefined &&
    sizes.every((s) => sameRequests(s.ship, firstSize.ship) && sameRequests(s.receive, firstSize.receive));
  const biggest = sizes.at(-1);
  const verifiedAtDistributor = biggest?.verify.state === 'at_distributor' && biggest.verify.status === 'genuine';
  ctx.log('pallets shipped, received and verified');

  // The lot of the big pallet, all of it packed, recalled as a whole (the last thing done
  // with these pallets: it stops the pallet).
  const bigLot = palletLots.at(-1) ?? '';
  const bigRecall = event('recall', { lot: { gtin: GTIN, lot: bigLot }, reason: 'bench' });
  const lotRecall = await counted(() => ingest(factory, [bigRecall]));
  const repeated = await counted(() =>
    ctx.ingestEvents(
      factory,
      Array.from({ length: REPEATED_RECALLS }, () => bigRecall),
    ),
  );
  ctx.log('big lot recalled, and the recall repeated');
  return {
    sizes,
    sizeConstant,
    verifiedAtDistributor,
    buildSeconds,
    packingRates,
    lotRecall: { units: palletUnits.at(-1)?.length ?? 0, count: lotRecall.count, ms: lotRecall.ms },
    lotRecallRepeated: {
      copies: REPEATED_RECALLS,
      count: repeated.count,
      ms: repeated.ms,
      statuses: [...new Set(repeated.value.map((r) => r.error?.code ?? r.status))],
    },
  };
};
