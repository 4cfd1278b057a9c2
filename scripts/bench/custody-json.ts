/** The custody figures for the JSON line of `npm run bench`, without the per-call detail the tables already show. */
import type { CustodyResult } from './custody-model';

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
