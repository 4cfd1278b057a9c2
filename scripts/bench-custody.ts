/**
 * The custody part of `npm run bench` (skip it with --no-custody): what the custody event
 * pipeline asks of DynamoDB, and how fast it records events, measured in this process
 * against DynamoDB Local (in memory) through the same services the API handlers call.
 *
 *   1. DynamoDB requests per event type, by command, and the items each event writes. One
 *      event per ingestEvents call, so every row includes the one GetItem of the caller's
 *      organization that a call makes whatever its number of events. After one call that
 *      fills the per-container caches (public keys, product, organizations), the scenario
 *      runs twice on fresh codes and the two rounds must count the same.
 *   2. Shipping and then receiving a pallet of 1, 100 and 10,000 units: requests and items
 *      written must not depend on the size (custody of packed units resolves through the
 *      container). Then a unit inside each pallet is verified through verifyScannedCode,
 *      and the unit in the 10,000 pallet must show custody `at_distributor`.
 *      Last, the big pallet's whole lot is recalled, to show what a lot recall reads, and
 *      then sent again 100 times in one call, to show that repeats cost next to nothing.
 *   2b. A scan of a unit with a long history (1,000 pack/unpack events, the per-code limit)
 *      beside one with a short history (2 events): requests, read units and answer size
 *      must be the same, since a scan reads state items and never a chain.
 *   3. Events recorded per second, calling ingestEvents in-process (no HTTP), one call at a
 *      time: single-unit shipping events in calls of 100 and 48-unit shipping events in
 *      calls of 5, median over interleaved rounds that stop at a number of events or a time,
 *      whichever comes first. The packing calls that build the 10,000 pallet are timed too.
 *      DynamoDB Local's CPU (java) is not in the Node CPU figures.
 *
 * Counting: one middleware in the `initialize` step of the module-scope document client
 * sees every send() once (whatever the SDK retries; a second one in `deserialize` counts
 * HTTP attempts, so a retry would show), with the command name from the handler context.
 * On reads it also asks for ReturnConsumedCapacity=TOTAL, to show the read capacity units
 * beside the counts (DynamoDB Local's read units match DynamoDB's rules; its write units for
 * large transactions do not, so none are shown).
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Principal } from '#shared/auth/principal';
import { buildContainerLink, buildDigitalLink, parseDigitalLink } from '#shared/codes/digital-link';
import { withCheckDigit } from '#shared/codes/gtin';
import { MAX_EVENTS_PER_SUBJECT, MAX_SUBJECTS_PER_EVENT } from '#shared/custody/types';
import type { EventInput, EventResult } from '#shared/services/custody/ingest-events';
import type { documentClient as DocumentClient } from '#shared/store/dynamodb-client';

/** Container sizes of part 2. */
const PALLET_SIZES = [1, 100, 10_000] as const;
const MAX_CODES = MAX_SUBJECTS_PER_EVENT;
/** Packing events per ingestEvents call while pallets are built. */
const PACKING_EVENTS_PER_CALL = 10;
const THROUGHPUT_ROUNDS = 3;
/**
 * Throughput rounds end after this many events or once this long has passed, whichever
 * comes first (checked between calls), so a busy machine does not stretch the run.
 */
const SINGLE = { maxEvents: 1000, perCall: 100, roundMs: 5000, unitsPerEvent: 1 };
const MULTI = { maxEvents: 20, perCall: 5, roundMs: 3000, unitsPerEvent: MAX_CODES };
const GTIN = withCheckDigit('0690000054321');
/** Part 2b: the long history is as long as one code may have. */
const LONG_HISTORY_EVENTS = MAX_EVENTS_PER_SUBJECT;
const REPEATED_RECALLS = 100;

// ---------------------------------------------------------------------------------------
// Counting DynamoDB requests

type Tally = Record<string, number>;

export interface OpCount {
  /** send() calls: what the code asks for. */
  requests: number;
  byCommand: Tally;
  /** HTTP attempts, SDK retries included; equal to requests unless something was retried. */
  attempts: number;
  /** Items put, updated or deleted: TransactItems plus single and batch writes. */
  itemsWritten: number;
  writesByKind: Tally;
  /** Items asked for by key (GetItem, BatchGetItem), by kind of item. */
  keysRead: Tally;
  /** Query requests, by kind of item queried. */
  queries: Tally;
  /** Items that reads returned (found by key, or matched by a query). */
  itemsReturned: number;
  /** Read capacity units, as DynamoDB Local reports them. */
  readUnits: number;
}

const emptyCount = (): OpCount => ({
  requests: 0,
  byCommand: {},
  attempts: 0,
  itemsWritten: 0,
  writesByKind: {},
  keysRead: {},
  queries: {},
  itemsReturned: 0,
  readUnits: 0,
});

const bump = (tally: Tally, key: string, by = 1): void => {
  tally[key] = (tally[key] ?? 0) + by;
};

type Item = Record<string, unknown>;
const asItem = (value: unknown): Item => (typeof value === 'object' && value !== null ? (value as Item) : {});
const asItems = (value: unknown): Item[] => (Array.isArray(value) ? value.map(asItem) : []);

/** "ORG", "PRODUCT/LOT", "SUBJECT/STATE", "SUBJECT/CHAIN", "EVENT": the kind of an item by its key. */
const kindOf = (pk: unknown, sk: unknown, index?: unknown): string => {
  const head = (value: unknown) => (typeof value === 'string' ? (value.split('#')[0] ?? value) : '?');
  const p = head(pk);
  const s = sk === undefined ? '' : head(sk);
  const kind = s === '' || s === p ? p : `${p}/${s}`;
  return typeof index === 'string' ? `${index}:${kind}` : kind;
};

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);

let current = emptyCount();
let counting = false;

const recordRequest = (command: string, input: Item): void => {
  current.requests++;
  bump(current.byCommand, command);
  switch (command) {
    case 'GetItem': {
      const key = asItem(input.Key);
      bump(current.keysRead, kindOf(key.pk, key.sk));
      break;
    }
    case 'BatchGetItem':
      for (const request of Object.values(asItem(input.RequestItems))) {
        for (const key of asItems(asItem(request).Keys)) bump(current.keysRead, kindOf(key.pk, key.sk));
      }
      break;
    case 'Query': {
      const values = asItem(input.ExpressionAttributeValues);
      bump(current.queries, kindOf(values[':pk'], values[':prefix'], input.IndexName));
      break;
    }
    case 'PutItem': {
      const item = asItem(input.Item);
      current.itemsWritten++;
      bump(current.writesByKind, kindOf(item.pk, item.sk));
      break;
    }
    case 'UpdateItem':
    case 'DeleteItem': {
      const key = asItem(input.Key);
      current.itemsWritten++;
      bump(current.writesByKind, kindOf(key.pk, key.sk));
      break;
    }
    case 'BatchWriteItem':
      for (const requests of Object.values(asItem(input.RequestItems))) {
        for (const request of asItems(requests)) {
          const item = asItem(asItem(request.PutRequest).Item);
          const key = asItem(asItem(request.DeleteRequest).Key);
          current.itemsWritten++;
          bump(current.writesByKind, kindOf(item.pk ?? key.pk, item.sk ?? key.sk));
        }
      }
      break;
    case 'TransactWriteItems':
      for (const entry of asItems(input.TransactItems)) {
        const put = asItem(entry.Put);
        const written = entry.Put ?? entry.Update ?? entry.Delete;
        if (written === undefined) continue; // a ConditionCheck writes nothing
        const key = entry.Put === undefined ? asItem(asItem(written).Key) : asItem(put.Item);
        current.itemsWritten++;
        bump(current.writesByKind, kindOf(key.pk, key.sk));
      }
      break;
    default:
  }
};

const recordOutput = (command: string, output: Item): void => {
  if (command === 'GetItem') current.itemsReturned += output.Item === undefined ? 0 : 1;
  if (command === 'Query' || command === 'Scan') current.itemsReturned += Number(output.Count ?? 0);
  if (command === 'BatchGetItem') {
    for (const items of Object.values(asItem(output.Responses))) current.itemsReturned += asItems(items).length;
  }
  const consumed = Array.isArray(output.ConsumedCapacity) ? asItems(output.ConsumedCapacity) : [asItem(output.ConsumedCapacity)];
  current.readUnits += consumed.reduce((sum, c) => sum + Number(c.CapacityUnits ?? 0), 0);
};

let installed = false;

const installCounter = (client: typeof DocumentClient): void => {
  if (installed) return;
  installed = true;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (!counting) return next(args);
      const command = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      recordRequest(command, asItem(args.input));
      const input = READS.has(command) ? { ...args.input, ReturnConsumedCapacity: 'TOTAL' } : args.input;
      const result = await next({ ...args, input });
      if (READS.has(command)) recordOutput(command, asItem(result.output));
      return result;
    },
    { step: 'initialize', name: 'benchCounter', override: true },
  );
  client.middlewareStack.add(
    (next) => async (args) => {
      if (counting) current.attempts++;
      return next(args);
    },
    { step: 'deserialize', name: 'benchAttemptCounter', override: true },
  );
};

/** Runs `call` with fresh counters and returns what it sent to DynamoDB. */
const counted = async <T>(call: () => Promise<T>): Promise<{ value: T; count: OpCount; ms: number }> => {
  current = emptyCount();
  counting = true;
  const t0 = performance.now();
  try {
    const value = await call();
    return { value, count: current, ms: performance.now() - t0 };
  } finally {
    counting = false;
  }
};

// ---------------------------------------------------------------------------------------
// Results

export interface EventRow {
  event: string;
  /** What the repository's transaction model says: 1 event + per subject a state, + a link when chained. */
  modelItems: number;
  count: OpCount;
  /** The second measured round, when it disagreed with the first. */
  secondRound?: OpCount;
}

export interface SizeRow {
  units: number;
  packingEvents: number;
  ship: OpCount;
  receive: OpCount;
  verify: OpCount & { state: string; status: string; history: string[] };
}

export interface ScanRow {
  events: number;
  count: OpCount;
  /** The verification answer as JSON, in bytes. */
  bytes: number;
  steps: number;
  omittedSteps: number;
}

export interface RateResult {
  eventsPerSecond: number;
  eventsPerSecondRange: [number, number];
  unitsPerSecond: number;
  nodeCpuMsPerEvent: number;
  eventsPerRound: number;
  unitsPerEvent: number;
  eventsPerCall: number;
  requestsPerEvent: number;
}

export interface CustodyResult {
  via: string;
  /** DynamoDB Local's endpoint while it ran (it is stopped before the result is returned). */
  dynamoEndpoint: string;
  events: EventRow[];
  eventsAgree: boolean;
  sizes: SizeRow[];
  sizeConstant: boolean;
  verifiedAtDistributor: boolean;
  buildSeconds: number;
  /** Recalling the big pallet's whole lot, every unit of it packed. */
  lotRecall: { units: number; count: OpCount; ms: number };
  /** The same recall sent again, REPEATED_RECALLS times in one call. */
  lotRecallRepeated: { copies: number; count: OpCount; ms: number; statuses: string[] };
  /** A scan by history length, and what the event past the per-code limit answered. */
  scanByHistory: { short: ScanRow; long: ScanRow; constant: boolean; pastLimit: string };
  throughput: {
    single: RateResult;
    multi: RateResult;
    rounds: number;
    packingDuringBuild: { eventsPerSecond: number; unitsPerSecond: number; calls: number; eventsPerCall: number };
  };
  retries: number;
  seconds: number;
}

// ---------------------------------------------------------------------------------------
// The run

let stopCurrent: (() => Promise<void>) | undefined;

/** Stops DynamoDB Local if the custody part is running (signal handlers call this). */
export const stopCustodyRuntime = async (): Promise<void> => {
  const stop = stopCurrent;
  stopCurrent = undefined;
  await stop?.();
};

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
};

const chunk = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));

/** Same requests, same keys read, same items returned and written (capacity units aside). */
const sameRequests = (a: OpCount, b: OpCount): boolean =>
  JSON.stringify([a.byCommand, a.keysRead, a.queries, a.itemsReturned, a.itemsWritten, a.writesByKind]) ===
  JSON.stringify([b.byCommand, b.keysRead, b.queries, b.itemsReturned, b.itemsWritten, b.writesByKind]);

export const benchCustody = async (options: { verbose?: boolean } = {}): Promise<CustodyResult> => {
  const started = performance.now();
  const log = (message: string) => {
    if (options.verbose === true) console.log(`  custody: ${message} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  };
  process.env.LOG_LEVEL ??= 'silent';
  const { startLocalRuntime } = await import('./local/runtime');

  // The document client is created once per process and keeps the endpoint of its first
  // request, and the table name is read once: if part c already ran, they point at the
  // DynamoDB Local it stopped. Start ours on the same port with the same table name.
  const previous = process.env.AWS_ENDPOINT_URL_DYNAMODB;
  const dynamoPort = previous === undefined ? undefined : Number(new URL(previous).port);
  const dataDir = await mkdtemp(join(tmpdir(), 'traceseal-bench-custody-'));
  const starting = startLocalRuntime({
    port: 0,
    dataDir,
    inMemory: true,
    tableName: process.env.TABLE_NAME ?? 'traceseal-bench-custody',
    ...(dynamoPort === undefined ? {} : { dynamoPort }),
  });
  stopCurrent = async () => {
    await (await starting.catch(() => undefined))?.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const runtime = await starting;
    log(`DynamoDB Local at ${runtime.dynamo.endpoint}`);
    const { documentClient } = await import('#shared/store/dynamodb-client');
    const { forgetSigningKey } = await import('#shared/keys/signing-key-provider');
    const { forgetPublicKeys } = await import('#shared/keys/public-key-cache');
    const { registerOrganization, registerProduct } = await import('#shared/services/registry-service');
    const { issueBatch } = await import('#shared/services/batch-service');
    const { issueContainers } = await import('#shared/services/container-service');
    const { ingestEvents } = await import('#shared/services/custody/ingest-events');
    const { verifyScannedCode } = await import('#shared/services/verify-service');
    // A runtime started earlier in this process may have left its key in these caches.
    forgetSigningKey();
    forgetPublicKeys();
    installCounter(documentClient);

    const base = runtime.url;
    const register = async (role: 'factory' | 'distributor', name: string): Promise<Principal> => {
      const org = await registerOrganization({
        name,
        role,
        region: role === 'factory' ? 'CN-ZJ Hangzhou' : 'CN-SH Shanghai',
        licenseNumber: `BENCH-${name.replace(/\W+/g, '-').toUpperCase()}`,
      });
      return { orgId: org.id, role, clientId: 'bench' };
    };
    const factory = await register('factory', 'Bench Custody Factory');
    const distributor = await register('distributor', 'Bench Custody Distributor');
    await registerProduct(factory, {
      gtin: GTIN,
      name: 'Bench respirator',
      category: 'respirator',
      standard: 'GB 2626-2019',
      laCertificate: { number: 'LA-BENCH-2', validUntil: '2030-12-31' },
      serviceLifeMonths: 36,
    });

    /** Unit URIs of a fresh lot; a lot holds at most 10,000 codes, as the API allows. */
    let lots = 0;
    const issueUnits = async (count: number): Promise<{ lot: string; uris: string[] }> => {
      const lot = `BC-${++lots}-${Date.now() % 1e6}`;
      const { codes } = await issueBatch(factory, { gtin: GTIN, lot, productionDate: '2026-11-01', count });
      return { lot, uris: codes.map((c) => buildDigitalLink(base, { gtin: GTIN, lot, serial: c.serial, digsig: c.digsig })) };
    };
    const issueMany = async (count: number): Promise<string[]> => {
      const uris: string[] = [];
      while (uris.length < count) uris.push(...(await issueUnits(Math.min(10_000, count - uris.length))).uris);
      return uris;
    };
    const issueContainerUris = async (kind: 'case' | 'pallet', count: number): Promise<string[]> =>
      (await issueContainers(factory, { kind, count })).map((c) => buildContainerLink(base, c));

    /** Event times: now, strictly increasing, so no two events of a run share a time. */
    let lastStamp = 0;
    const stamp = (): string => {
      lastStamp = Math.max(Date.now(), lastStamp + 1);
      return new Date(lastStamp).toISOString();
    };
    const event = (
      bizStep: EventInput['bizStep'],
      fields: Omit<EventInput, 'bizStep' | 'eventTime' | 'eventTimeZoneOffset'>,
    ): EventInput => ({
      bizStep,
      eventTime: stamp(),
      eventTimeZoneOffset: '+08:00',
      ...fields,
    });
    const ingest = async (who: Principal, inputs: EventInput[]): Promise<EventResult[]> => {
      const results = await ingestEvents(who, inputs);
      const bad = results.find((r) => r.status !== 'recorded');
      if (bad !== undefined) {
        throw new Error(`event ${bad.index} (${inputs[bad.index]?.bizStep}) was ${bad.status}: ${JSON.stringify(bad.error)}`);
      }
      return results;
    };
    const pick = <T>(items: readonly T[], index: number): T => {
      const item = items[index];
      if (item === undefined) throw new Error(`no item ${index} of ${items.length}`);
      return item;
    };
    const take = (() => {
      let pool: string[] = [];
      return {
        refill: (uris: string[]) => {
          pool = [...pool, ...uris];
        },
        units: (n: number): string[] => {
          if (pool.length < n) throw new Error(`bench issued too few units (${pool.length} left, ${n} wanted)`);
          return pool.splice(0, n);
        },
      };
    })();

    // -------------------------------------------------------------------------------------
    // 1. requests per event type

    const measuredRounds = 2;
    const perRoundUnits = 1 + MAX_CODES + 4;
    take.refill((await issueUnits(measuredRounds * perRoundUnits + 3 + 1)).uris);
    const recallLots: { loose: { lot: string }; packed: { lot: string; uris: string[] } }[] = [];
    for (let round = 0; round < measuredRounds; round++) {
      recallLots.push({ loose: await issueUnits(1), packed: await issueUnits(MAX_CODES) });
    }
    const scenarioCases = await issueContainerUris('case', measuredRounds * 4 + 1);
    log('issued scenario codes');

    // Fills the per-container caches (public keys, the product, both organizations).
    await ingest(factory, [
      event('packing', { parent: pick(scenarioCases, measuredRounds * 4), children: take.units(1) }),
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
      // The recall's event record and the batch flag.
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
    const eventsAgree = events.every((row) => row.secondRound === undefined);
    log('event types measured');

    // -------------------------------------------------------------------------------------
    // 2. pallets of 1, 100 and 10,000 units

    const buildStarted = performance.now();
    const pallets = await issueContainerUris('pallet', PALLET_SIZES.length);
    const palletUnits: string[][] = [];
    const palletLots: string[] = [];
    for (const size of PALLET_SIZES) {
      // A fresh lot per pallet (a lot holds at most 10,000 codes).
      const { lot, uris } = await issueUnits(size);
      palletUnits.push(uris);
      palletLots.push(lot);
    }
    const spare = take.units(1);
    log('issued pallet codes');
    const packingEvents: number[] = [];
    /** Events per second of each call that packed 48-unit events into the big pallet. */
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
      log(`packed ${units.length} unit(s) in ${groups.length} event(s)`);
    }
    const buildSeconds = (performance.now() - buildStarted) / 1000;

    // A receiver registered now, and one unmeasured shipment to it, so its organization is
    // fresh in the 60-second cache while the pallets are shipped and received.
    const receiver = await register('distributor', 'Bench Custody Receiver');
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
    await verifyScannedCode(parseDigitalLink(pick(inside, 0))); // fills the caches the scan uses
    const sizes: SizeRow[] = [];
    for (const [i, units] of palletUnits.entries()) {
      const { value, count } = await counted(() => verifyScannedCode(parseDigitalLink(pick(inside, i))));
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
    log('pallets shipped, received and verified');

    // The lot of the big pallet, all of it packed, recalled as a whole (the last thing done
    // with these pallets: it stops the pallet).
    const bigLot = palletLots.at(-1) ?? '';
    const bigRecall = event('recall', { lot: { gtin: GTIN, lot: bigLot }, reason: 'bench' });
    const lotRecall = await counted(() => ingest(factory, [bigRecall]));
    const repeated = await counted(() =>
      ingestEvents(
        factory,
        Array.from({ length: REPEATED_RECALLS }, () => bigRecall),
      ),
    );
    const lotRecallRepeated = {
      copies: REPEATED_RECALLS,
      count: repeated.count,
      ms: repeated.ms,
      statuses: [...new Set(repeated.value.map((r) => r.error?.code ?? r.status))],
    };
    log('big lot recalled, and the recall repeated');

    // -------------------------------------------------------------------------------------
    // 2b. a scan by history length

    const [longCase = '', shortCase = ''] = await issueContainerUris('case', 2);
    const { uris: historyUnits } = await issueUnits(2);
    const [longUnit = '', shortUnit = ''] = historyUnits;
    const packUnpack = (unit: string, parent: string, n: number) =>
      Array.from({ length: n }, (_, i) => event(i % 2 === 0 ? 'packing' : 'unpacking', { parent, children: [unit] }));
    for (const calls of chunk(packUnpack(longUnit, longCase, LONG_HISTORY_EVENTS), 100)) await ingest(factory, calls);
    await ingest(factory, packUnpack(shortUnit, shortCase, 2));
    const [pastLimit] = await ingestEvents(factory, [event('packing', { parent: longCase, children: [longUnit] })]);
    log(`${LONG_HISTORY_EVENTS} events on one unit`);
    const scanRow = async (uri: string, events: number): Promise<ScanRow> => {
      const { value, count } = await counted(() => verifyScannedCode(parseDigitalLink(uri)));
      return {
        events,
        count,
        bytes: Buffer.byteLength(JSON.stringify(value)),
        steps: value.custody?.history.length ?? 0,
        omittedSteps: value.custody?.omittedSteps ?? 0,
      };
    };
    await verifyScannedCode(parseDigitalLink(shortUnit)); // fills the caches the scan uses
    const short = await scanRow(shortUnit, 2);
    const long = await scanRow(longUnit, LONG_HISTORY_EVENTS);
    const scanByHistory = {
      short,
      long,
      constant: sameRequests(short.count, long.count) && long.count.readUnits === short.count.readUnits,
      pastLimit: pastLimit?.error?.code ?? pastLimit?.status ?? 'none',
    };
    log('scans by history length');

    // -------------------------------------------------------------------------------------
    // 3. events per second

    type Shape = typeof SINGLE;
    const pools = new Map<Shape, string[]>([
      [SINGLE, await issueMany((THROUGHPUT_ROUNDS + 1) * SINGLE.maxEvents)],
      [MULTI, await issueMany((THROUGHPUT_ROUNDS + 1) * MULTI.maxEvents * MAX_CODES)],
    ]);
    log('issued throughput codes');
    interface Round {
      events: number;
      rate: number;
      cpuMsPerEvent: number;
      requestsPerEvent: number;
    }
    const runRound = async (shape: Shape, maxEvents = shape.maxEvents): Promise<Round> => {
      const pool = pools.get(shape) ?? [];
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      let events = 0;
      let requests = 0;
      while (events < maxEvents && performance.now() - t0 < shape.roundMs) {
        const size = Math.min(shape.perCall, maxEvents - events);
        const units = pool.splice(0, size * shape.unitsPerEvent);
        if (units.length < size * shape.unitsPerEvent) throw new Error('bench issued too few units for throughput');
        const { count } = await counted(() =>
          ingest(
            factory,
            chunk(units, shape.unitsPerEvent).map((epcs) => event('shipping', { epcs, destination: distributor.orgId })),
          ),
        );
        requests += count.requests;
        events += size;
      }
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      return {
        events,
        rate: events / seconds,
        cpuMsPerEvent: (cpu.user + cpu.system) / 1000 / events,
        requestsPerEvent: requests / events,
      };
    };
    // One call of each first (not counted), then rounds alternating which goes first.
    await runRound(SINGLE, SINGLE.perCall);
    await runRound(MULTI, MULTI.perCall);
    const singleRounds: Round[] = [];
    const multiRounds: Round[] = [];
    for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
      for (const shape of round % 2 === 0 ? [SINGLE, MULTI] : [MULTI, SINGLE]) {
        const result = await runRound(shape);
        (shape === SINGLE ? singleRounds : multiRounds).push(result);
        log(
          `throughput round ${round + 1}, ${shape.unitsPerEvent}-unit events: ${result.events} events, ${result.rate.toFixed(1)}/s`,
        );
      }
    }
    const rate = (rounds: Round[], shape: Shape): RateResult => {
      const rates = rounds.map((r) => r.rate);
      return {
        eventsPerSecond: median(rates),
        eventsPerSecondRange: [Math.min(...rates), Math.max(...rates)],
        unitsPerSecond: median(rates) * shape.unitsPerEvent,
        nodeCpuMsPerEvent: median(rounds.map((r) => r.cpuMsPerEvent)),
        eventsPerRound: median(rounds.map((r) => r.events)),
        unitsPerEvent: shape.unitsPerEvent,
        eventsPerCall: shape.perCall,
        requestsPerEvent: median(rounds.map((r) => r.requestsPerEvent)),
      };
    };

    const all = [
      ...events.map((e) => e.count),
      ...sizes.flatMap((s) => [s.ship, s.receive, s.verify]),
      lotRecall.count,
      lotRecallRepeated.count,
      short.count,
      long.count,
    ];
    return {
      via: 'ingestEvents in-process (no HTTP); DynamoDB Local in memory',
      dynamoEndpoint: runtime.dynamo.endpoint,
      events,
      eventsAgree,
      sizes,
      sizeConstant,
      verifiedAtDistributor,
      buildSeconds,
      lotRecall: { units: palletUnits.at(-1)?.length ?? 0, count: lotRecall.count, ms: lotRecall.ms },
      lotRecallRepeated,
      scanByHistory,
      throughput: {
        single: rate(singleRounds, SINGLE),
        multi: rate(multiRounds, MULTI),
        rounds: THROUGHPUT_ROUNDS,
        packingDuringBuild: {
          eventsPerSecond: median(packingRates),
          unitsPerSecond: median(packingRates) * MAX_CODES,
          calls: packingRates.length,
          eventsPerCall: PACKING_EVENTS_PER_CALL,
        },
      },
      retries: all.reduce((sum, c) => sum + c.attempts - c.requests, 0),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await stopCustodyRuntime();
  }
};

// ---------------------------------------------------------------------------------------
// Report

const fmt = (value: number, digits: number): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

const COMMAND_ORDER = [
  'GetItem',
  'BatchGetItem',
  'Query',
  'TransactWriteItems',
  'UpdateItem',
  'PutItem',
  'DeleteItem',
  'BatchWriteItem',
];

const rank = (command: string): number =>
  COMMAND_ORDER.includes(command) ? COMMAND_ORDER.indexOf(command) : COMMAND_ORDER.length;

const commands = (c: OpCount): string =>
  Object.entries(c.byCommand)
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');

const tally = (t: Tally): string =>
  Object.entries(t)
    .map(([name, n]) => `${name}×${n}`)
    .join(' ');

const reads = (c: OpCount): string =>
  [tally(c.keysRead), Object.keys(c.queries).length === 0 ? '' : `Query ${tally(c.queries)}`].filter((s) => s !== '').join('; ');

const table = (rows: string[][]): string => {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length))) ?? [];
  const line = (row: string[]) => `| ${row.map((cell, col) => cell.padEnd(widths[col] ?? 0)).join(' | ')} |`;
  const [head, ...body] = rows;
  return [line(head ?? []), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
};

export const formatCustody = (r: CustodyResult): string => {
  const verdict = (pass: boolean) => (pass ? 'PASS' : 'MISS');
  const out: string[] = [];
  out.push(`\nd) custody: ${r.via} (${r.dynamoEndpoint}, stopped)`);
  out.push(
    '\nd1) DynamoDB per event (one event per ingestEvents call; each includes 1 GetItem ORG, the caller check of the call)',
  );
  out.push(
    table([
      ['Event', 'Requests', 'By command', 'Items written', 'Model', 'Keys read (by item kind)', 'Items returned', 'RCU'],
      ...r.events.map((row) => [
        row.event,
        String(row.count.requests),
        commands(row.count),
        String(row.count.itemsWritten),
        `${row.modelItems} ${row.modelItems === row.count.itemsWritten ? 'ok' : 'DIFFERS'}`,
        reads(row.count),
        String(row.count.itemsReturned),
        fmt(row.count.readUnits, 1),
      ]),
    ]),
  );
  out.push(
    r.eventsAgree
      ? 'both measured rounds counted the same'
      : `rounds disagree: ${r.events
          .filter((e) => e.secondRound !== undefined)
          .map((e) => `${e.event}: ${commands(e.count)} vs ${e.secondRound === undefined ? '' : commands(e.secondRound)}`)
          .join('; ')}`,
  );

  out.push('\nd2) Shipping and receiving a pallet, by units inside (must not depend on the size)');
  const plural = (n: number, word: string) => `${fmt(n, 0)} ${word}${n === 1 ? '' : 's'}`;
  const sizeHead = ['', ...r.sizes.map((s) => `${plural(s.units, 'unit')} (${plural(s.packingEvents, 'packing event')})`)];
  const cell = (f: (s: SizeRow) => string) => r.sizes.map(f);
  out.push(
    table([
      sizeHead,
      ['ship: requests', ...cell((s) => `${s.ship.requests}: ${commands(s.ship)}`)],
      ['ship: items written', ...cell((s) => `${s.ship.itemsWritten} (${tally(s.ship.writesByKind)})`)],
      ['receive: requests', ...cell((s) => `${s.receive.requests}: ${commands(s.receive)}`)],
      ['receive: items written', ...cell((s) => `${s.receive.itemsWritten} (${tally(s.receive.writesByKind)})`)],
      ['verify a unit inside: requests', ...cell((s) => `${s.verify.requests}: ${commands(s.verify)}`)],
      ['verify: items returned / RCU', ...cell((s) => `${s.verify.itemsReturned} / ${fmt(s.verify.readUnits, 1)}`)],
      ['verify: custody state', ...cell((s) => `${s.verify.status}, ${s.verify.state}`)],
    ]),
  );
  out.push(`ship and receive constant across sizes: ${verdict(r.sizeConstant)}`);
  const big = r.sizes.at(-1);
  if (big !== undefined) {
    out.push(
      `unit in the ${fmt(big.units, 0)} pallet after receipt: ${big.verify.state} ${verdict(r.verifiedAtDistributor)}` +
        ` (history ${big.verify.history.join(' > ')}; reads ${reads(big.verify)})`,
    );
    out.push(
      `building the three pallets (${r.sizes.reduce((n, s) => n + s.packingEvents, 0)} packing events) took ${fmt(r.buildSeconds, 1)} s`,
    );
  }
  const lr = r.lotRecall;
  out.push(
    `recall of the whole ${fmt(lr.units, 0)}-unit lot (all in that pallet), one event: ${lr.count.requests} requests` +
      ` (${commands(lr.count)}; reads ${reads(lr.count)}), ${lr.count.itemsReturned} items returned, ${lr.count.itemsWritten} written` +
      ` (${tally(lr.count.writesByKind)}), ${fmt(lr.count.readUnits, 1)} RCU, ${fmt(lr.ms, 0)} ms`,
  );
  const rr = r.lotRecallRepeated;
  out.push(
    `the same recall sent again ${rr.copies} times in one call: ${rr.statuses.join(', ')}; ${rr.count.requests} requests` +
      ` (${commands(rr.count)}), ${rr.count.itemsReturned} items returned, ${rr.count.itemsWritten} written,` +
      ` ${fmt(rr.count.readUnits, 1)} RCU, ${fmt(rr.ms, 0)} ms`,
  );

  const h = r.scanByHistory;
  out.push("\nd2b) A scan by the unit's history length (pack/unpack events; must not depend on it)");
  out.push(
    table([
      ['History', 'Requests', 'By command', 'Items returned', 'RCU', 'Answer bytes', 'Steps shown (omitted)'],
      ...[h.short, h.long].map((row) => [
        plural(row.events, 'event'),
        String(row.count.requests),
        commands(row.count),
        String(row.count.itemsReturned),
        fmt(row.count.readUnits, 1),
        fmt(row.bytes, 0),
        `${row.steps} (${fmt(row.omittedSteps, 0)})`,
      ]),
    ]),
  );
  out.push(
    `scan cost independent of history: ${verdict(h.constant)}; event ${fmt(h.long.events + 1, 0)} on the unit: ${h.pastLimit}`,
  );

  const { single, multi, rounds, packingDuringBuild: packing } = r.throughput;
  out.push(
    `\nd3) Shipping events recorded per second, one call at a time (median over ${rounds} interleaved rounds, each up to` +
      ` ${SINGLE.maxEvents} / ${MULTI.maxEvents} events or ${SINGLE.roundMs / 1000} / ${MULTI.roundMs / 1000} s; Node CPU only, java not counted)`,
  );
  out.push(
    table([
      ['Events', 'Per round', 'Per call', 'Events/s', 'Range', 'Units/s', 'Requests/event', 'Node CPU ms/event'],
      ...[single, multi].map((t) => [
        `shipping, ${t.unitsPerEvent} unit${t.unitsPerEvent === 1 ? '' : 's'} each`,
        fmt(t.eventsPerRound, 0),
        String(t.eventsPerCall),
        fmt(t.eventsPerSecond, 1),
        `${fmt(t.eventsPerSecondRange[0], 1)}–${fmt(t.eventsPerSecondRange[1], 1)}`,
        fmt(t.unitsPerSecond, 0),
        fmt(t.requestsPerEvent, 2),
        fmt(t.nodeCpuMsPerEvent, 2),
      ]),
      [
        `packing, ${MAX_CODES} children (10,000 pallet build)`,
        '',
        String(packing.eventsPerCall),
        fmt(packing.eventsPerSecond, 1),
        `median of ${packing.calls} calls`,
        fmt(packing.unitsPerSecond, 0),
        '',
        '',
      ],
    ]),
  );
  out.push(`SDK retries during counted calls: ${r.retries}; custody part took ${fmt(r.seconds, 1)} s`);
  return out.join('\n');
};

/** The figures for the JSON line, without the per-call detail the table already shows. */
export const custodyJson = (r: CustodyResult) => ({
  via: r.via,
  dynamoEndpoint: r.dynamoEndpoint,
  perEvent: Object.fromEntries(
    r.events.map((e) => [
      e.event,
      {
        requests: e.count.requests,
        byCommand: e.count.byCommand,
        itemsWritten: e.count.itemsWritten,
        readUnits: e.count.readUnits,
      },
    ]),
  ),
  eventsAgree: r.eventsAgree,
  pallets: r.sizes.map((s) => ({
    units: s.units,
    packingEvents: s.packingEvents,
    ship: { requests: s.ship.requests, byCommand: s.ship.byCommand, itemsWritten: s.ship.itemsWritten },
    receive: { requests: s.receive.requests, byCommand: s.receive.byCommand, itemsWritten: s.receive.itemsWritten },
    verify: {
      requests: s.verify.requests,
      byCommand: s.verify.byCommand,
      itemsReturned: s.verify.itemsReturned,
      readUnits: s.verify.readUnits,
      state: s.verify.state,
    },
  })),
  shipReceiveConstant: r.sizeConstant,
  verifiedAtDistributor: r.verifiedAtDistributor,
  buildSeconds: Number(r.buildSeconds.toFixed(1)),
  lotRecall: {
    units: r.lotRecall.units,
    requests: r.lotRecall.count.requests,
    byCommand: r.lotRecall.count.byCommand,
    itemsReturned: r.lotRecall.count.itemsReturned,
    itemsWritten: r.lotRecall.count.itemsWritten,
    readUnits: r.lotRecall.count.readUnits,
    ms: Math.round(r.lotRecall.ms),
  },
  lotRecallRepeated: {
    copies: r.lotRecallRepeated.copies,
    statuses: r.lotRecallRepeated.statuses,
    requests: r.lotRecallRepeated.count.requests,
    byCommand: r.lotRecallRepeated.count.byCommand,
    itemsReturned: r.lotRecallRepeated.count.itemsReturned,
    readUnits: r.lotRecallRepeated.count.readUnits,
    ms: Math.round(r.lotRecallRepeated.ms),
  },
  scanByHistory: Object.fromEntries(
    (['short', 'long'] as const).map((name) => {
      const row = r.scanByHistory[name];
      return [
        name,
        {
          events: row.events,
          requests: row.count.requests,
          byCommand: row.count.byCommand,
          readUnits: row.count.readUnits,
          bytes: row.bytes,
          steps: row.steps,
        },
      ];
    }),
  ),
  scanConstant: r.scanByHistory.constant,
  pastLimit: r.scanByHistory.pastLimit,
  throughput: r.throughput,
  retries: r.retries,
  seconds: Number(r.seconds.toFixed(1)),
});
