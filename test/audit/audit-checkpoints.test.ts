import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient, mainTableName } from '#kernel/db/dynamodb-client';
import { eventKey } from '#kernel/db/item-keys';
import { verifyConsistency, verifyInclusion } from '#kernel/merkle-tree';
import { auditLog, eventLeafHash, type LogEvent, type TreeHead } from '#shared/audit/domain/audit-log';
import {
  appendAndCheckpoint,
  HEAD_REFRESH_MS,
  recordedEventSource,
  SETTLE_MARGIN_MS,
} from '#shared/audit/services/checkpoint-service';
import { TREE_HEAD_TYP, verifyTreeHead } from '#shared/audit/services/tree-head-jws';
import {
  acquireLogLease,
  appendLeaves,
  LogBusyError,
  readLogState,
  releaseLogLease,
} from '#shared/audit/store/merkle-log-repository';
import { custodyEvent, issueUnits, postEvents } from '../support/custody';
import { factoryWithProduct, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

// This file's table holds only today's events: the feed need not read every day since 2026.
process.env.AUDIT_LOG_START = new Date(Date.now() - 86_400_000).toISOString();
let service: TestService;
let adminToken: string;
beforeAll(async () => ({ service, adminToken } = await startTestServiceWithAdmin()));
afterAll(async () => service?.stop());

interface Checkpoint extends TreeHead {
  signedHead: string;
}
interface CheckpointAnswer {
  appended: number;
  settling: { count: number; coveredAfter?: string };
  more: boolean;
  checkpoint: Checkpoint;
}

const unhex = (hex: string) => Buffer.from(hex, 'hex');
const later = () => new Date(Date.now() + SETTLE_MARGIN_MS + 60_000);

/** Every stored event in log order, read the way an auditor holding the records would. */
const storedEvents = async (): Promise<LogEvent[]> => {
  const events: LogEvent[] = [];
  for await (const event of recordedEventSource({ until: new Date(Date.now() + 86_400_000) })) events.push(event);
  return events;
};

const jwks = async (): Promise<JSONWebKeySet> =>
  (await (await service.call('GET', '/.well-known/jwks.json')).json()) as JSONWebKeySet;

const signedHeads = async (): Promise<TreeHead[]> => {
  const res = await service.call('GET', '/v1/audit/checkpoints?limit=100');
  expect(res.status).toBe(200);
  const { checkpoints } = (await res.json()) as { checkpoints: Checkpoint[] };
  const keys = await jwks();
  return Promise.all(checkpoints.map((c) => verifyTreeHead(c.signedHead, keys)));
};

const recordSomeEvents = async (count: number, lot: string): Promise<string[]> => {
  const { factory, gtin } = await factoryWithProduct(service, adminToken);
  const distributor = await registerOrg(service, 'distributor', adminToken);
  const units = await issueUnits(service, factory.token, gtin, lot, count);
  const ids: string[] = [];
  // One event a call: a loaded machine could otherwise push a batch past the call's time budget.
  for (const unit of units) {
    const shipped = await postEvents(service, factory.token, [
      custodyEvent('shipping', { epcs: [unit], destination: distributor.id }),
    ]);
    expect(shipped.status).toBe(200);
    ids.push(shipped.results[0]?.eventId ?? '');
  }
  return ids;
};

describe('signed Merkle checkpoints of every recorded event', { timeout: 180_000 }, () => {
  let first: Checkpoint;
  let eventIds: string[];
  let coveredAfter: string;

  it('leaves events younger than the settle margin out, says so, and signs a head a JOSE verifier accepts', async () => {
    eventIds = await recordSomeEvents(7, 'AUD-1');
    const regulator = await registerOrg(service, 'regulator', adminToken);
    const res = await service.call('POST', '/v1/audit/checkpoints', { token: regulator.token });
    expect(res.status).toBe(201);
    const body = (await res.json()) as CheckpointAnswer;
    // Just recorded: a transaction of the same instant could still be in flight, so not yet;
    // but the answer says so, and when a checkpoint will cover them, instead of leaving them
    // out silently (an export made next would carry them unproven and fail verification).
    expect(body.appended).toBe(0);
    expect(body.checkpoint.treeSize).toBe(0);
    expect(body.more).toBe(false);
    expect(body.settling.count).toBe(7);
    const newest =
      (await storedEvents())
        .map((event) => event.recordTime)
        .sort()
        .at(-1) ?? '';
    expect(body.settling.coveredAfter).toBe(new Date(Date.parse(newest) + SETTLE_MARGIN_MS).toISOString());
    coveredAfter = body.settling.coveredAfter ?? '';
    expect(body.checkpoint.recordedBefore).toBeTypeOf('string');
    expect(String(body.checkpoint.recordedBefore) < newest).toBe(true);

    const keys = await jwks();
    const { payload, protectedHeader } = await jwtVerify(body.checkpoint.signedHead, createLocalJWKSet(keys), {
      algorithms: ['ES256'],
      typ: TREE_HEAD_TYP,
    });
    expect(keys.keys.map((k) => k.kid)).toContain(protectedHeader.kid);
    expect(payload).toMatchObject({ treeSize: 0, rootHash: body.checkpoint.rootHash, previousTreeSize: 0 });
  });

  it('refuses a checkpoint to factories and anonymous callers', async () => {
    const { factory } = await factoryWithProduct(service, adminToken);
    expect((await service.call('POST', '/v1/audit/checkpoints', { token: factory.token })).status).toBe(403);
    expect((await service.call('POST', '/v1/audit/checkpoints')).status).toBe(401);
  });

  it('appends settled events in log order and proves each one through the routes', async () => {
    // A run at the instant the first answer named covers every event that was settling then.
    const run = await appendAndCheckpoint({ source: recordedEventSource, now: new Date(coveredAfter) });
    expect(run.appended).toBe(7);
    expect(run.settling).toEqual({ count: 0 });
    expect(run.head.previousTreeSize).toBe(0);
    const latest = await service.call('GET', '/v1/audit/checkpoints/latest');
    expect(latest.status).toBe(200);
    expect(latest.headers.get('cache-control')).toContain('public');
    first = (await latest.json()) as Checkpoint;
    expect(first.treeSize).toBe(7);
    const head = await verifyTreeHead(first.signedHead, await jwks());
    expect(head.rootHash).toBe(first.rootHash);

    const events = await storedEvents();
    for (const eventId of eventIds) {
      const res = await service.call('GET', `/v1/audit/proofs/inclusion?eventId=${encodeURIComponent(eventId)}&treeSize=7`, {
        token: adminToken,
      });
      expect(res.status).toBe(200);
      const proof = (await res.json()) as { leafIndex: number; leafHash: string; inclusionPath: string[] };
      // The leaf is recomputed from the event alone, never taken from the server.
      const event = events.find((e) => e.eventId === eventId);
      const leaf = eventLeafHash(event?.epcis ?? '');
      expect(proof.leafHash).toBe(leaf.toString('hex'));
      expect(verifyInclusion(proof.leafIndex, 7, leaf, proof.inclusionPath.map(unhex), unhex(head.rootHash))).toBe(true);
    }
    expect(auditLog(events, [head]).ok).toBe(true);
  });

  it('keeps inclusion proofs from the public and from factories, and bounds sizes by the signed head', async () => {
    const [eventId = ''] = eventIds;
    const path = `/v1/audit/proofs/inclusion?eventId=${encodeURIComponent(eventId)}&treeSize=7`;
    expect((await service.call('GET', path)).status).toBe(401);
    const { factory } = await factoryWithProduct(service, adminToken);
    expect((await service.call('GET', path, { token: factory.token })).status).toBe(403);
    const past = await service.call('GET', path.replace('treeSize=7', 'treeSize=8'), { token: adminToken });
    expect(past.status).toBe(400);
    expect(((await past.json()) as { error: { code: string } }).error.code).toBe('TREE_SIZE_NOT_SIGNED');
    const unknown = await service.call('GET', '/v1/audit/proofs/inclusion?eventId=nope&treeSize=7', { token: adminToken });
    expect(unknown.status).toBe(404);
    expect((await service.call('GET', '/v1/audit/proofs/consistency?first=3&second=2')).status).toBe(400);
  });

  it('a later head extends the earlier one: the public consistency proof verifies', async () => {
    await recordSomeEvents(3, 'AUD-2');
    const run = await appendAndCheckpoint({ source: recordedEventSource, now: later() });
    expect(run.appended).toBe(3);
    expect(run.head.previousTreeSize).toBe(7);
    const res = await service.call('GET', `/v1/audit/proofs/consistency?first=7&second=${run.head.treeSize}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('immutable');
    const { consistencyPath } = (await res.json()) as { consistencyPath: string[] };
    expect(verifyConsistency(7, 10, unhex(first.rootHash), unhex(run.head.rootHash), consistencyPath.map(unhex))).toBe(true);
    // Running again appends nothing twice, and (the repeat attack: a caller spamming
    // POST /v1/audit/checkpoints) signs no new head while the last one is recent.
    const again = await appendAndCheckpoint({ source: recordedEventSource, now: later() });
    expect(again.appended).toBe(0);
    expect(again.head).toEqual(run.head);
    expect((await signedHeads()).map((h) => h.treeSize)).toEqual([10, 7, 0]);
    // An hour on, the unchanged log gets a fresh head (its liveness), then no more again.
    const hourLater = new Date(Date.parse(run.head.timestamp) + HEAD_REFRESH_MS);
    const refreshed = await appendAndCheckpoint({ source: recordedEventSource, now: hourLater });
    expect(refreshed.head.timestamp).toBe(hourLater.toISOString());
    expect(refreshed.head.rootHash).toBe(run.head.rootHash);
    expect((await appendAndCheckpoint({ source: recordedEventSource, now: hourLater })).head).toEqual(refreshed.head);

    const heads = await signedHeads();
    expect(heads.map((h) => h.treeSize)).toEqual([10, 10, 7, 0]);
    expect(auditLog(await storedEvents(), heads)).toMatchObject({ ok: true, eventCount: 10 });
  });

  it('publishes the witnessed heads to anyone, largest first, each one a head the table signed; bad queries are 400', async () => {
    const res = await service.call('GET', '/v1/audit/witness?limit=100');
    expect(res.status).toBe(200);
    const { heads } = (await res.json()) as { heads: { treeSize: number; signedHead: string }[] };
    const sizes = heads.map((head) => head.treeSize);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(new Set(sizes)).toEqual(new Set((await signedHeads()).map((head) => head.treeSize)));
    const bySize = await service.call('GET', '/v1/audit/witness?treeSize=7');
    expect(((await bySize.json()) as { heads: { treeSize: number }[] }).heads.map((head) => head.treeSize)).toEqual([7]);
    for (const query of ['treeSize=-1', 'treeSize=abc', 'limit=0', 'limit=101', 'cursor=x']) {
      const bad = await service.call('GET', `/v1/audit/witness?${query}`);
      expect(bad.status, query).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code, query).toBe('VALIDATION_FAILED');
    }
  });

  describe('a rewrite of the stored events by someone with database access is detected', () => {
    const itemOf = async (eventId: string) =>
      (await documentClient.send(new GetCommand({ TableName: mainTableName(), Key: eventKey(eventId) }))).Item ?? {};
    const restore = (item: Record<string, unknown>) =>
      documentClient.send(new PutCommand({ TableName: mainTableName(), Item: item }));
    const verdicts = async () => {
      const report = auditLog(await storedEvents(), await signedHeads());
      return { ok: report.ok, bySize: Object.fromEntries(report.heads.map((h) => [h.treeSize, h.verdict])) };
    };

    it('altering one event', async () => {
      const [, victim = ''] = eventIds;
      const original = await itemOf(victim);
      const epcis = JSON.parse(String(original.epcis)) as Record<string, unknown>;
      await documentClient.send(
        new UpdateCommand({
          TableName: mainTableName(),
          Key: eventKey(victim),
          UpdateExpression: 'SET epcis = :epcis',
          ExpressionAttributeValues: {
            ':epcis': JSON.stringify({ ...epcis, bizLocation: { id: 'urn:epc:id:sgln:0000000.00000.0' } }),
          },
        }),
      );
      expect(await verdicts()).toEqual({ ok: false, bySize: { 0: 'matches', 7: 'root-differs', 10: 'root-differs' } });
      await restore(original);
      expect((await verdicts()).ok).toBe(true);
    });

    it('removing one event', async () => {
      const victim = eventIds.at(-1) ?? '';
      const original = await itemOf(victim);
      await documentClient.send(new DeleteCommand({ TableName: mainTableName(), Key: eventKey(victim) }));
      const { ok, bySize } = await verdicts();
      expect(ok).toBe(false);
      expect(bySize[10]).toBe('events-missing');
      await restore(original);
      expect((await verdicts()).ok).toBe(true);
    });

    it('reordering two events (their record times swapped)', async () => {
      const events = await storedEvents();
      const [a, b] = [events[2], events[3]];
      if (a === undefined || b === undefined) throw new Error('expected at least four events');
      const [itemA, itemB] = [await itemOf(a.eventId), await itemOf(b.eventId)];
      await restore({ ...itemA, recordTime: b.recordTime });
      await restore({ ...itemB, recordTime: a.recordTime });
      expect(await verdicts()).toEqual({ ok: false, bySize: { 0: 'matches', 7: 'root-differs', 10: 'root-differs' } });
      await restore(itemA);
      await restore(itemB);
      expect((await verdicts()).ok).toBe(true);
    });
  });

  it('one writer at a time: a held lease turns a checkpoint away, and a writer without it cannot append', async () => {
    const state = await acquireLogLease('other-checkpointer', Date.now(), 60_000);
    try {
      const regulator = await registerOrg(service, 'regulator', adminToken);
      const busy = await service.call('POST', '/v1/audit/checkpoints', { token: regulator.token });
      expect(busy.status).toBe(409);
      expect(((await busy.json()) as { error: { code: string } }).error.code).toBe('CHECKPOINT_RUNNING');
      const entry = { eventId: 'intruder', recordTime: new Date().toISOString(), leafHash: eventLeafHash('{}') };
      await expect(appendLeaves('intruder', state, [entry])).rejects.toBeInstanceOf(LogBusyError);
      // The lease holder itself may not append behind a size that moved either.
      await expect(appendLeaves('other-checkpointer', { size: state.size - 1 }, [entry])).rejects.toBeInstanceOf(LogBusyError);
    } finally {
      await releaseLogLease('other-checkpointer');
    }
    expect((await readLogState()).size).toBe(10);
  });

  it('signs heads with the active key of the published JWKS', async () => {
    const latest = (await (await service.call('GET', '/v1/audit/checkpoints/latest')).json()) as Checkpoint;
    const { kid, typ } = decodeProtectedHeader(latest.signedHead);
    expect(typ).toBe(TREE_HEAD_TYP);
    expect((await jwks()).keys.some((key) => key.kid === kid)).toBe(true);
  });
});
