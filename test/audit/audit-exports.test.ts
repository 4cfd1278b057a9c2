import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { documentClient, mainTableName } from '#kernel/db/dynamodb-client';
import { auditLogChunkKey, auditLogHeadKey, auditLogLeafPointerKey, eventKey } from '#kernel/db/item-keys';
import { slotHolders } from '#kernel/jobs/job-slot-repository';
import { STALLED_JOB_MS } from '#kernel/jobs/job-slots';
import { getActiveSigningKey } from '#kernel/keys/signing-key-provider';
import type { Role } from '#kernel/roles';
import { eventLeafHash } from '#shared/audit/domain/audit-log';
import { chunkedRangeHasher } from '#shared/audit/domain/merkle-chunks';
import { appendAndCheckpoint, recordedEventSource, SETTLE_MARGIN_MS } from '#shared/audit/services/checkpoint-service';
import { createExport } from '#shared/audit/services/export-jobs';
import { runExportJob } from '#shared/audit/services/export-worker';
import { signTreeHead } from '#shared/audit/services/tree-head-jws';
import { getExportJob } from '#shared/audit/store/export-job-repository';
import {
  AUDIT_LOG_CHUNK_SIZE,
  latestHead,
  leafIndexOf,
  loadTree,
  putHead,
  readLogState,
} from '#shared/audit/store/merkle-log-repository';
import { hashRecordedEvent } from '#shared/custody/domain/chain';
import { namesIn } from '#shared/custody/domain/party-names';
import { runVerifyExport } from '../../scripts/verify-export';
import { custodyEvent, issueUnits, postEvents } from '../support/custody';
import { loadEpcisValidator } from '../support/epcis-schema';
import { justAfter } from '../support/export-fixtures';
import { factoryWithProduct, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

// This file's table holds only today's events: exports and the log feed need not read every day since 2026.
process.env.AUDIT_LOG_START = new Date(Date.now() - 86_400_000).toISOString();
process.env.EVENTS_SINCE = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

let service: TestService;
let adminToken: string;
let workDir: string;
const orgs: Partial<Record<Role | 'national', { id: string; token: string }>> = {};
const eventIds: string[] = [];
const receiptIds: string[] = [];

const checkpoint = () =>
  appendAndCheckpoint({ source: recordedEventSource, now: new Date(Date.now() + SETTLE_MARGIN_MS + 60_000) });

const registerNational = async () => {
  const res = await service.call('POST', '/v1/orgs', {
    token: adminToken,
    body: {
      name: 'National market supervision',
      role: 'regulator',
      region: 'CN',
      licenseNumber: `91330000${Date.now()}`.slice(0, 18),
    },
  });
  expect(res.status).toBe(201);
  const { id } = (await res.json()) as { id: string };
  return { id, token: await service.token(id, 'regulator') };
};

interface ExportView {
  exportId: string;
  state: string;
  eventsWritten: number;
  percent: number;
  download?: { file: string; proofs: string; manifest: string };
  error?: unknown;
}

const startExport = async (token: string, format: string, query: Record<string, string> = {}) => {
  const res = await service.call('POST', '/v1/audit/exports', { token, body: { format, query } });
  expect(res.status, await res.clone().text()).toBe(202);
  expect(res.headers.get('location')).toMatch(/^\/v1\/audit\/exports\/[0-9a-f-]{36}$/);
  return (await res.json()) as ExportView;
};

const finished = async (token: string, exportId: string): Promise<ExportView> => {
  // A bound on a hang only (the describe's timeout is longer): a loaded machine may take a while.
  return vi.waitUntil(
    async () => {
      const res = await service.call('GET', `/v1/audit/exports/${exportId}`, { token });
      expect(res.status).toBe(200);
      const view = (await res.json()) as ExportView;
      return view.state === 'done' || view.state === 'failed' ? view : undefined;
    },
    { timeout: 150_000, interval: 100 },
  );
};

/** Downloads the three files through their links, as a regulator would. */
const download = async (view: ExportView, name: string) => {
  const links = view.download;
  if (links === undefined) throw new Error(`export ${view.exportId} has no links: ${JSON.stringify(view.error)}`);
  const paths = {
    file: join(workDir, name),
    proofs: join(workDir, `${name}.proofs.ndjson`),
    manifest: join(workDir, `${name}.jws`),
  };
  for (const kind of ['file', 'proofs', 'manifest'] as const) {
    const res = await fetch(links[kind]);
    expect(res.status).toBe(200);
    await writeFile(paths[kind], Buffer.from(await res.arrayBuffer()));
  }
  return paths;
};

const exportAndVerify = async (
  token: string,
  format: string,
  name: string,
  query: Record<string, string> = {},
  allowUnproven = false,
) => {
  const started = await startExport(token, format, query);
  const view = await finished(token, started.exportId);
  expect(view.state).toBe('done');
  expect(view.percent).toBe(100);
  const paths = await download(view, name);
  const result = await runVerifyExport({ ...paths, api: service.url, allowUnproven });
  return { view, paths, result };
};

beforeAll(async () => {
  ({ service, adminToken } = await startTestServiceWithAdmin());
  workDir = await mkdtemp(join(tmpdir(), 'traceseal-exports-'));
  const { factory, gtin } = await factoryWithProduct(service, adminToken);
  orgs.factory = factory;
  orgs.distributor = await registerOrg(service, 'distributor', adminToken);
  orgs.regulator = await registerOrg(service, 'regulator', adminToken);
  orgs.lab = await registerOrg(service, 'lab', adminToken).catch(() => undefined);
  orgs.national = await registerNational();
  const units = await issueUnits(service, factory.token, gtin, 'EXP-1', 6);
  for (const unit of units) {
    const shipped = await postEvents(service, factory.token, [
      custodyEvent('shipping', { epcs: [unit], destination: orgs.distributor.id }),
    ]);
    expect(shipped.status).toBe(200);
    eventIds.push(shipped.results[0]?.eventId ?? '');
  }
  // Units 0 and 1 are received too, so their chains have two links each in an export.
  const received = await postEvents(service, orgs.distributor.token, [
    custodyEvent('receiving', { epcs: [units[0]] }, 1),
    custodyEvent('receiving', { epcs: [units[1]] }, 1),
  ]);
  expect(received.results.map((r) => r.status)).toEqual(['recorded', 'recorded']);
  receiptIds.push(...received.results.map((r) => r.eventId ?? ''));
  await checkpoint();
}, 180_000);
afterAll(async () => {
  await service?.stop();
  if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
});

describe('audit exports through the local service', { timeout: 180_000 }, () => {
  it.each(['epcis', 'csv', 'ndjson'])(
    'exports %s that verify-export accepts, with proofs against the signed head',
    async (format) => {
      const { view, paths, result } = await exportAndVerify(orgs.national?.token ?? '', format, `clean.${format}`);
      expect(result.output.at(-1)).toBe('OK: the export is intact and in the signed log');
      expect(result.ok).toBe(true);
      expect(view.eventsWritten).toBeGreaterThanOrEqual(eventIds.length);
      expect(result.output).toContain(`✓ ${view.eventsWritten} records, as the manifest says`);
      // The receipts link to the shipments before them, checked from the files alone.
      expect(result.output).toContainEqual(
        expect.stringMatching(/^✓ [2-9]\d* custody chain links point at the previous event of their subject in the export$/),
      );
      if (format === 'epcis') {
        const validate = await loadEpcisValidator();
        expect(validate(JSON.parse(await readFile(paths.file, 'utf8')))).toBeUndefined();
      }
    },
  );

  it('gives a provincial regulator and a factory only what they see', async () => {
    const factoryView = await finished(
      orgs.factory?.token ?? '',
      (await startExport(orgs.factory?.token ?? '', 'ndjson')).exportId,
    );
    const lines = (await readFile((await download(factoryView, 'factory.ndjson')).file, 'utf8'))
      .trim()
      .split('\n')
      .filter((line) => !line.includes('"type":"EPCISDocument"'));
    expect(lines.length).toBe(factoryView.eventsWritten);
    for (const id of eventIds) expect(lines.some((line) => line.includes(id))).toBe(true);
    const res = await service.call('POST', '/v1/orgs', {
      token: adminToken,
      body: {
        name: 'Guangdong regulator',
        role: 'regulator',
        region: 'CN-GD Shenzhen',
        licenseNumber: `91440000${Date.now()}`.slice(0, 18),
      },
    });
    expect(res.status).toBe(201);
    const guangdong = await service.token(((await res.json()) as { id: string }).id, 'regulator');
    expect((await finished(guangdong, (await startExport(guangdong, 'ndjson')).exportId)).eventsWritten).toBe(0);
    const zhejiang = orgs.regulator?.token ?? '';
    expect((await finished(zhejiang, (await startExport(zhejiang, 'ndjson')).exportId)).eventsWritten).toBeGreaterThanOrEqual(
      eventIds.length,
    );
    const other = await registerOrg(service, 'factory', adminToken);
    const otherView = await finished(other.token, (await startExport(other.token, 'ndjson')).exportId);
    expect(otherView.eventsWritten).toBe(0);
  });

  it("refuses bad input with a 4xx that starts nothing, and hides other organizations' exports", async () => {
    const token = orgs.national?.token ?? '';
    expect((await service.call('POST', '/v1/audit/exports', { token, body: { format: 'xml' } })).status).toBe(400);
    const bad = await service.call('POST', '/v1/audit/exports', {
      token,
      body: { format: 'csv', query: { GE_recordTime: 'yesterday' } },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('QUERY_PARAMETER_EXCEPTION');
    const mine = await startExport(token, 'csv');
    const theirs = await service.call('GET', `/v1/audit/exports/${mine.exportId}`, { token: orgs.regulator?.token });
    expect(theirs.status).toBe(404);
    const forged = new URL((await finished(token, mine.exportId)).download?.file ?? '');
    forged.searchParams.set('token', 'A'.repeat(43));
    expect((await fetch(forged)).status).toBe(403);
    expect((await fetch(`${service.url}/local-exports/..%2F..%2Fetc/passwd`)).status).toBe(404);
  });

  it('holds an organization to its limit of unfinished exports, frees a slot when one is done, and reclaims a dead one', async () => {
    const regulator = await registerOrg(service, 'regulator', adminToken);
    const other = await registerOrg(service, 'regulator', adminToken);
    const principal = (org: { id: string }) => ({ orgId: org.id, role: 'regulator' as const, clientId: 'test' });
    // Not dispatched: the queue is played here, so the jobs stay unfinished until run.
    const noDispatch = async () => undefined;
    const start = (org: { id: string }, now = new Date()) =>
      createExport(principal(org), { format: 'ndjson', query: {} }, now, noDispatch);
    const results = await Promise.allSettled([start(regulator), start(regulator), start(regulator)]);
    const accepted = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.id] : []));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(accepted).toHaveLength(2);
    expect(refused).toEqual([
      expect.objectContaining({ statusCode: 429, code: 'TOO_MANY_JOBS', retryAfterSeconds: expect.any(Number) }),
    ]);
    expect(await slotHolders('export', regulator.id)).toEqual([...accepted].sort());
    // Another organization is not held back by this one's backlog.
    expect((await start(other)).id).toMatch(/^[0-9a-f-]{36}$/);

    // A job done gives its slot back.
    expect(await runExportJob(accepted[0] ?? '')).toBe('done');
    expect(await slotHolders('export', regulator.id)).toEqual([accepted[1]]);
    const third = await start(regulator);
    await expect(start(regulator)).rejects.toMatchObject({ code: 'TOO_MANY_JOBS' });

    // Jobs that never ran for longer than a run and its redeliveries take are failed and free their slots.
    const later = new Date(Date.now() + STALLED_JOB_MS + 60_000);
    const fourth = await start(regulator, later);
    expect((await getExportJob(third.id))?.state).toBe('failed');
    expect((await getExportJob(third.id))?.error?.code).toBe('EXPORT_STALLED');
    expect(await slotHolders('export', regulator.id)).toEqual([fourth.id]);
  });

  it('authorizes each role on each export route', async () => {
    const matrix: [Role, number][] = [
      ['factory', 202],
      ['distributor', 202],
      ['regulator', 202],
      ['admin', 403],
      ['lab', 403],
    ];
    for (const [role, status] of matrix) {
      const token = role === 'admin' ? adminToken : await service.token(orgs[role]?.id ?? 'no-such-org', role);
      const post = await service.call('POST', '/v1/audit/exports', { token, body: { format: 'ndjson' } });
      expect(post.status, role).toBe(status);
      if (status === 202) {
        const { exportId } = (await post.json()) as ExportView;
        expect((await service.call('GET', `/v1/audit/exports/${exportId}`, { token })).status).toBe(200);
      }
    }
    expect((await service.call('POST', '/v1/audit/exports', { body: { format: 'ndjson' } })).status).toBe(401);
    expect((await service.call('GET', '/v1/audit/exports/00000000-0000-4000-8000-000000000000')).status).toBe(401);
    const gone = await service.call('GET', '/v1/audit/exports/00000000-0000-4000-8000-000000000000', {
      token: orgs.national?.token,
    });
    expect(gone.status).toBe(404);
  });

  it('detects an event altered or removed in the database before the export', async () => {
    const token = orgs.national?.token ?? '';
    const [alteredId, removedId] = [eventIds[1] ?? '', eventIds[3] ?? ''];
    await documentClient.send(
      new UpdateCommand({
        TableName: mainTableName(),
        Key: eventKey(alteredId),
        UpdateExpression: 'SET epcis = :epcis',
        ExpressionAttributeValues: {
          ':epcis': JSON.stringify({
            ...JSON.parse(
              (await readFile(join(workDir, 'clean.ndjson'), 'utf8')).split('\n').find((l) => l.includes(alteredId)) ?? '{}',
            ),
            disposition: 'destroyed',
          }),
        },
      }),
    );
    const altered = await exportAndVerify(token, 'ndjson', 'altered.ndjson');
    expect(altered.result.ok).toBe(false);
    expect(altered.result.output).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^✗ record \\d+ \\(${alteredId.replace(/[?.*]/g, '\\$&')}\\): not in the signed log as it is here .*: altered$`,
        ),
      ),
    );

    await documentClient.send(new DeleteCommand({ TableName: mainTableName(), Key: eventKey(removedId) }));
    const removed = await exportAndVerify(token, 'csv', 'removed.csv');
    expect(removed.result.ok).toBe(false);
    expect(removed.result.output).toContainEqual(
      expect.stringMatching(/^✗ record \d+ .*: leaves (\d+)\.\.\1 are missing before it: events were removed$/),
    );
  });

  const itemOf = async (key: { pk: string; sk: string }) =>
    (await documentClient.send(new GetCommand({ TableName: mainTableName(), Key: key }))).Item ?? {};
  const put = (item: Record<string, unknown>) => documentClient.send(new PutCommand({ TableName: mainTableName(), Item: item }));

  /** `count` new shipments, checkpointed, with their record times in log order. */
  const recordCheckpointed = async (lot: string, count: number) => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const units = await issueUnits(service, factory.token, gtin, lot, count);
    const ids: string[] = [];
    for (const unit of units) {
      const shipped = await postEvents(service, factory.token, [
        custodyEvent('shipping', { epcs: [unit], destination: orgs.distributor?.id ?? '' }),
      ]);
      ids.push(shipped.results[0]?.eventId ?? '');
    }
    await checkpoint();
    const recorded = await Promise.all(
      ids.map(async (id) => ({ id, recordTime: String((await itemOf(eventKey(id))).recordTime) })),
    );
    return recorded.sort((a, b) => a.recordTime.localeCompare(b.recordTime) || a.id.localeCompare(b.id));
  };

  it('a complete export of a range whose first and last events were deleted does not verify', async () => {
    const token = orgs.national?.token ?? '';
    const events = await recordCheckpointed('EDGE-1', 5);
    const [, first, , last, after] = events;
    if (first === undefined || last === undefined || after === undefined) throw new Error('expected five events');
    const query = { GE_recordTime: first.recordTime, LT_recordTime: after.recordTime };
    const clean = await exportAndVerify(token, 'ndjson', 'edges-clean.ndjson', query);
    expect(clean.result.output).toContainEqual(expect.stringMatching(/^✓ the range's edges are proven: leaves \d+\.\.\d+/));
    expect(clean.result.ok).toBe(true);

    for (const { id } of [first, last])
      await documentClient.send(new DeleteCommand({ TableName: mainTableName(), Key: eventKey(id) }));
    const cut = await exportAndVerify(token, 'ndjson', 'edges-cut.ndjson', query);
    expect(cut.view.eventsWritten).toBe(1);
    expect(cut.result.ok).toBe(false);
    expect(cut.result.output).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^✗ leaf \d+, just before the range, is not shown: events were removed at its start$/),
        expect.stringMatching(/^✗ leaf \d+, just after the range, is not shown: events were removed at its end$/),
      ]),
    );
  });

  it('--allow-unproven does not pass an event recorded before the head, altered and stripped of its leaf pointer', async () => {
    const token = orgs.national?.token ?? '';
    const [victim, next] = await recordCheckpointed('UNPROVEN-1', 2);
    if (victim === undefined || next === undefined) throw new Error('expected two events');
    const item = await itemOf(eventKey(victim.id));
    const epcis = JSON.stringify({ ...JSON.parse(String(item.epcis)), disposition: 'destroyed' });
    await put({ ...item, epcis, eventHash: hashRecordedEvent(JSON.parse(epcis)) });
    await documentClient.send(new DeleteCommand({ TableName: mainTableName(), Key: auditLogLeafPointerKey(victim.id) }));
    const query = { GE_recordTime: victim.recordTime, LT_recordTime: next.recordTime };
    const { result } = await exportAndVerify(token, 'ndjson', 'unproven.ndjson', query, true);
    expect(result.ok).toBe(false);
    expect(result.output).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^✗ record 1 .*before the head covers, yet it carries no proof: altered or cut from the log$/),
        expect.stringMatching(
          /^✗ record 1 .*its eventID is not the CBV 2\.0 hash of its content, and no proof vouches for it: altered$/,
        ),
      ]),
    );
  });

  it('a rewritten log (event, leaf and the next chain link) is never signed again, and its export does not verify', async () => {
    const token = orgs.national?.token ?? '';
    const [victimId = '', receiptId = ''] = [eventIds[0], receiptIds[0]];
    const leafIndex = (await leafIndexOf(victimId)) ?? -1;
    expect(leafIndex).toBeLessThan((await readLogState()).size);
    const chunkNo = Math.floor(leafIndex / AUDIT_LOG_CHUNK_SIZE);
    const [victim, receipt, chunk] = [
      await itemOf(eventKey(victimId)),
      await itemOf(eventKey(receiptId)),
      await itemOf(auditLogChunkKey(chunkNo)),
    ];
    // The rewrite: the event, its leaf, and the receipt's link to it, all consistent with each other.
    const epcis = JSON.stringify({ ...JSON.parse(String(victim.epcis)), disposition: 'destroyed' });
    const eventHash = hashRecordedEvent(JSON.parse(epcis));
    const leaves = Buffer.from(chunk.leaves as Uint8Array);
    eventLeafHash(epcis).copy(leaves, (leafIndex % AUDIT_LOG_CHUNK_SIZE) * 32);
    await put({ ...victim, epcis, eventHash });
    await put({ ...receipt, previousEventHashes: [eventHash] });
    await put({ ...chunk, leaves });
    try {
      const refused = await service.call('POST', '/v1/audit/checkpoints', { token });
      expect(refused.status).toBe(409);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('LOG_INCONSISTENT');
      // The alarm is in the witness, out of the table's reach, and in every regulator's inbox.
      expect(await readFile(process.env.HEAD_WITNESS_FILE ?? '', 'utf8')).toContain('"type":"alarm"');
      const inbox = await service.call('GET', '/v1/inbox?unlocated=true&kind=audit_log', { token: orgs.regulator?.token });
      expect(inbox.status).toBe(200);
      expect(((await inbox.json()) as { entries: { kind: string }[] }).entries).toEqual([
        expect.objectContaining({ kind: 'audit_log' }),
      ]);

      // What the checkpointer did before: sign a head over the rewritten table. Such a head is
      // not in the witness, so a complete export against it no longer verifies.
      const current = await latestHead();
      if (current === undefined) throw new Error('expected a signed head');
      const head = { ...current, timestamp: new Date(Date.parse(current.timestamp) + 1000).toISOString() };
      const { jws: _jws, ...claims } = head;
      const rootHash = chunkedRangeHasher(await loadTree(head.treeSize))(0, head.treeSize).toString('hex');
      const forged = { ...claims, rootHash };
      await putHead({ ...forged, jws: await signTreeHead(forged, await getActiveSigningKey()) });
      try {
        const { result } = await exportAndVerify(token, 'ndjson', 'rewritten.ndjson');
        expect(result.ok).toBe(false);
        expect(result.output).toContainEqual(
          `✗ the export's head (size ${head.treeSize}) was never published to the witness: it may sign a rewritten log`,
        );
      } finally {
        await documentClient.send(
          new DeleteCommand({ TableName: mainTableName(), Key: auditLogHeadKey(forged.timestamp, forged.treeSize) }),
        );
      }
    } finally {
      await put(victim);
      await put(receipt);
      await put(chunk);
    }
    // Restored, the log extends its witnessed head again and is signed.
    expect((await service.call('POST', '/v1/audit/checkpoints', { token })).status).toBe(201);
  });

  it('names the organizations of an EPCIS and an NDJSON export beside their URNs; a renamed one proves nothing', async () => {
    const token = orgs.national?.token ?? '';
    const factoryOrg = { name: 'Hefei Helmets Co.', region: 'CN-AH Hefei' };
    const distributorOrg = { name: 'Wuhu Safety Supply', region: 'CN-AH Wuhu' };
    const { factory, gtin } = await factoryWithProduct(service, adminToken, factoryOrg);
    const distributor = await registerOrg(service, 'distributor', adminToken, distributorOrg);
    const units = await issueUnits(service, factory.token, gtin, 'NAMES-1', 2);
    const shipped = await postEvents(
      service,
      factory.token,
      units.map((unit) => custodyEvent('shipping', { epcs: [unit], destination: distributor.id })),
    );
    const received = await postEvents(service, distributor.token, [custodyEvent('receiving', { epcs: [units[0]] }, 1)]);
    const ids = [...shipped.results, ...received.results].map((r) => r.eventId ?? '');
    expect(ids.every((id) => id !== '')).toBe(true);
    await checkpoint();
    const times = (await Promise.all(ids.map(async (id) => String((await itemOf(eventKey(id))).recordTime)))).sort();
    const query = { GE_recordTime: times[0] ?? '', LT_recordTime: justAfter(times.at(-1) ?? '') };
    const expected = {
      [`urn:traceseal:org:${factory.id}`]: 'Hefei Helmets Co. (CN-AH Hefei)',
      [`urn:traceseal:org:${distributor.id}`]: 'Wuhu Safety Supply (CN-AH Wuhu)',
    };
    const validate = await loadEpcisValidator();
    for (const format of ['epcis', 'ndjson'] as const) {
      const { view, paths, result } = await exportAndVerify(token, format, `names.${format}`, query);
      expect(view.eventsWritten).toBe(ids.length);
      expect(result.ok, result.output.join('\n')).toBe(true);
      const text = await readFile(paths.file, 'utf8');
      // The names are master data the schema accepts: the document's header, or NDJSON documents of their own.
      const documents =
        format === 'epcis'
          ? [JSON.parse(text) as Record<string, unknown>]
          : text
              .trim()
              .split('\n')
              .map((line) => JSON.parse(line) as Record<string, unknown>)
              .filter((line) => line.type === 'EPCISDocument');
      expect(documents.length).toBeGreaterThan(0);
      for (const document of documents) expect(validate(document)).toBeUndefined();
      const vocabularies = documents.flatMap(
        (d) => (d.epcisHeader as { epcisMasterData: { vocabularyList: unknown[] } }).epcisMasterData.vocabularyList,
      );
      expect(Object.fromEntries(namesIn(vocabularies))).toEqual(expected);
      // The events themselves are as recorded: no name inside them.
      for (const id of ids) expect(text).toContain(id);
      expect(text.split('\n').filter((line) => line.includes(ids[0] ?? '?') && line.includes('Hefei Helmets'))).toEqual([]);

      const listed = await runVerifyExport({ ...paths, api: service.url, allowUnproven: false, names: true });
      expect(listed.ok).toBe(true);
      expect(listed.output).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^! 2 organizations named beside their URNs, .*the log's proofs do not$/),
          `  urn:traceseal:org:${distributor.id} = Wuhu Safety Supply (CN-AH Wuhu)`,
          `  urn:traceseal:org:${factory.id} = Hefei Helmets Co. (CN-AH Hefei)`,
        ]),
      );

      // A name changed after the export: the file's hash fails, the records stay exactly as proven as they were.
      await writeFile(paths.file, text.replaceAll('Wuhu Safety Supply', 'Wuhu Safety Supply (state-approved)'));
      const renamed = await runVerifyExport({ ...paths, api: service.url, allowUnproven: false, names: true });
      expect(renamed.ok).toBe(false);
      expect(renamed.output.filter((line) => line.startsWith('✗'))).toEqual([
        expect.stringMatching(/^✗ file: SHA-256 \w+ is not the manifest's \w+: the file was changed$/),
      ]);
      expect(renamed.output).toContain(`✓ ${ids.length} inclusion proofs verify against the head`);
      expect(renamed.output).toContain("! the organizations' names in this file are not the service's: the file was changed");
      expect(renamed.output.join('\n')).not.toContain('state-approved');
    }
  });
});
