import { describe, expect, it } from 'vitest';
import { leafHash, rootOfLeafHashes } from '#kernel/merkle-tree';
import { auditLog, eventLeafData, type LogEvent, type TreeHead } from '#shared/audit/domain/audit-log';

const event = (n: number, kind?: 'declaration'): LogEvent => ({
  eventId: `ni:///sha-256;${String(n).padStart(4, '0')}`,
  recordTime: `2026-11-0${1 + (n % 9)}T00:00:0${n % 10}.000Z`,
  // Whitespace and member order are not part of the leaf: JCS fixes them.
  epcis: `{ "type": "ObjectEvent",  "eventID": "e${n}", "bizStep": "shipping" }`,
  ...(kind === undefined ? {} : { kind }),
});
const EVENTS = [1, 2, 3, 4, 5].map((n) => event(n));
const headOver = (events: LogEvent[], treeSize: number, timestamp: string): TreeHead => ({
  treeSize,
  rootHash: rootOfLeafHashes(events.slice(0, treeSize).map((e) => leafHash(eventLeafData(e.epcis)))).toString('hex'),
  timestamp,
  previousTreeSize: 0,
});

describe('auditLog', () => {
  const heads = [headOver(EVENTS, 3, '2026-11-10T00:00:00Z'), headOver(EVENTS, 5, '2026-11-10T01:00:00Z')];

  it('accepts the honest log, whatever order the events come in', () => {
    expect(auditLog([...EVENTS].reverse(), heads)).toMatchObject({ ok: true, eventCount: 5 });
    expect(eventLeafData('{"b":1,  "a":2}').toString()).toBe('{"a":2,"b":1}');
  });

  it('names what is wrong: duplicates, unreadable events, shrinking heads, missing events', () => {
    expect(auditLog([...EVENTS, EVENTS[0] as LogEvent], heads).duplicates).toEqual([EVENTS[0]?.eventId]);
    expect(
      auditLog(
        EVENTS.map((e, i) => (i === 4 ? { ...e, epcis: 'not json' } : e)),
        heads,
      ).unreadable,
    ).toHaveLength(1);
    const shrunk = auditLog(EVENTS, [heads[1] as TreeHead, { ...(heads[0] as TreeHead), timestamp: '2026-11-10T02:00:00Z' }]);
    expect(shrunk.shrinking).toEqual(['2026-11-10T02:00:00Z']);
    expect(auditLog(EVENTS.slice(0, 4), heads).heads.map((h) => h.verdict)).toEqual(['matches', 'events-missing']);
  });

  it('keeps an error declaration apart from the event it declares (same event id)', () => {
    const declared = [...EVENTS, { ...event(1, 'declaration'), recordTime: '2026-11-12T00:00:00.000Z' }];
    expect(auditLog(declared, [headOver(declared, 6, '2026-11-12T01:00:00Z')])).toMatchObject({ ok: true, duplicates: [] });
  });
});
