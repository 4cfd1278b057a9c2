/** The custody tables that `npm run bench` prints for its custody part. */
import type { OpCount, Tally } from './custody-count';
import { type CustodyResult, MAX_CODES, MULTI, SINGLE, type SizeRow } from './custody-model';
import { fmt, table } from './measure';

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
