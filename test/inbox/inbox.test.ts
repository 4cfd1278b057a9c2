import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient, mainTableName } from '#kernel/db/dynamodb-client';
import { inboxEntryKey, inboxHistoryKey } from '#kernel/db/item-keys';
import { changeInboxStatus, getInboxEntry, getInboxHistory } from '#shared/inbox/inbox-repository';
import { fileInInbox } from '#shared/inbox/inbox-service';
import { issueUnits } from '../support/custody';
import { factoryWithProduct } from '../support/fixtures';
import { fileReport, listInbox, moveEntry } from '../support/inbox';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';
import { reporterIn } from '../support/reporter-addresses';
import { freshViewer, listReports, pngPhoto, registerOrgIn } from '../support/reports';

/**
 * The regulators' inbox through the real local service: reports land in it, regulators
 * move them through new → investigating → closed with notes, every change is an
 * append-only history item, and the factory sees the report's progress.
 */
let service: TestService;
let adminToken: string;
let factory: { id: string; token: string };
let gtin: string;
let genuineCode: string;
let guangdong: { id: string; token: string };
let national: { id: string; token: string };

interface Detail {
  entry: { status: string; version: number; gtin?: string; factoryOrgId?: string };
  report?: { reference: string; contact?: string; status: string };
  history: { at: string; by: { orgId: string; subject: string }; from: string; to: string; note?: string }[];
}
const detail = async (token: string, id: string): Promise<Detail> => {
  const res = await service.call('GET', `/v1/inbox/report/${id}`, { token });
  if (res.status !== 200) throw new Error(`detail failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as Detail;
};
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

beforeAll(async () => {
  ({ service, adminToken } = await startTestServiceWithAdmin({ simulateViewerLocation: true }));
  const made = await factoryWithProduct(service, adminToken);
  ({ factory, gtin } = made);
  [genuineCode = ''] = await issueUnits(service, factory.token, gtin, 'INBOX-1', 1);
  guangdong = await registerOrgIn(service, adminToken, 'regulator', 'CN-GD Shenzhen');
  national = await registerOrgIn(service, adminToken, 'regulator', 'CN');
});
afterAll(async () => service?.stop());

describe('report photos in the inbox', () => {
  it('gives the regulators of the report short-lived links that show each photo as sent, and nobody else', async () => {
    const photo = pngPhoto();
    const reference = await fileReport(service, reporterIn('CN-GD'), { photos: [photo.toString('base64')] });
    const res = await service.call('GET', `/v1/inbox/report/${reference}`, { token: guangdong.token });
    const { photos } = (await res.json()) as { photos: { url: string; contentType: string; bytes: number; expiresAt: string }[] };
    expect(photos).toHaveLength(1);
    const [link] = photos;
    expect(link).toMatchObject({ contentType: 'image/png', bytes: photo.length });
    expect(Date.parse(link?.expiresAt ?? '')).toBeGreaterThan(Date.now());
    const view = await fetch(link?.url ?? '');
    expect(view.status).toBe(200);
    expect(view.headers.get('content-type')).toBe('image/png');
    expect(view.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await view.arrayBuffer()).equals(photo)).toBe(true);
    // The link is the capability: altered, or moved to another photo or a label file, it opens nothing.
    const url = new URL(link?.url ?? '');
    const forged = new URL(url);
    forged.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600));
    expect((await fetch(forged)).status).toBe(403);
    const asLabel = new URL(url.toString().replace('/local-report-photos/', '/local-labels/'));
    expect((await fetch(asLabel)).status).toBe(403);
    // Another province's regulator sees neither the entry nor its links.
    const zhejiang = await registerOrgIn(service, adminToken, 'regulator', 'CN-ZJ Hangzhou');
    expect((await service.call('GET', `/v1/inbox/report/${reference}`, { token: zhejiang.token })).status).toBe(404);
  });
});

describe('reports reach the inbox', () => {
  it('files a new report as a new entry of its province and its country, with the contact for regulators', async () => {
    const reference = await fileReport(service, reporterIn('CN-GD'), { code: genuineCode, contact: '+86 138 0000 0000' });
    for (const token of [guangdong.token, national.token]) {
      const listed = (await listInbox(service, token)).find((e) => e.id === reference);
      expect(listed).toMatchObject({ kind: 'report', status: 'new', version: 0, provinces: ['CN-GD'], gtin });
    }
    const { entry, report, history } = await detail(guangdong.token, reference);
    expect(entry).toMatchObject({ factoryOrgId: factory.id, gtin });
    expect(report).toMatchObject({ reference, contact: '+86 138 0000 0000', status: 'received' });
    expect(history).toEqual([]);
  });

  it("moves the report's own status with the entry, so the factory sees progress without notes or contact", async () => {
    const reference = await fileReport(service, reporterIn('CN-GD'), { code: genuineCode, contact: 'a@b.cn' });
    const factoryView = async () => (await listReports(service, factory.token)).find((r) => r.reference === reference);
    expect(await factoryView()).toMatchObject({ status: 'received' });

    expect((await moveEntry(service, guangdong.token, reference, { status: 'investigating' })).status).toBe(200);
    expect(await factoryView()).toMatchObject({ status: 'under_review' });
    const closed = await moveEntry(service, guangdong.token, reference, { status: 'closed', note: 'Shop raided; stock seized' });
    expect(closed.status).toBe(200);
    const seen = await factoryView();
    expect(seen).toMatchObject({ status: 'closed' });
    expect(JSON.stringify(seen)).not.toMatch(/raided|a@b\.cn/);
    const regulatorsCopy = (await listReports(service, guangdong.token)).find((r) => r.reference === reference);
    expect(regulatorsCopy).toMatchObject({ status: 'closed' });
    expect((await detail(guangdong.token, reference)).report).toMatchObject({ status: 'closed' });
  });

  it('an unlocated report is every regulator’s, under ?unlocated=true', async () => {
    // An address outside mainland China ties a report to no province.
    const reference = await fileReport(service, freshViewer());
    expect((await listInbox(service, guangdong.token)).map((e) => e.id)).not.toContain(reference);
    const unlocated = await listInbox(service, national.token, '?unlocated=true');
    expect(unlocated.find((e) => e.id === reference)).toMatchObject({ provinces: [] });
    expect((await detail(guangdong.token, reference)).entry.status).toBe('new');
  });
});

describe('status workflow and history', () => {
  it('records who, when, from, to and the note of every change, and refuses moves the workflow does not allow', async () => {
    const reference = await fileReport(service, reporterIn('CN-GD'));
    const refuse = async (body: Record<string, unknown>, status: number, code: string) => {
      const res = await moveEntry(service, guangdong.token, reference, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(await errorCode(res)).toBe(code);
    };
    await refuse({ status: 'closed', note: 'nothing to see' }, 409, 'INBOX_MOVE_NOT_ALLOWED');
    await refuse({ status: 'new' }, 409, 'INBOX_MOVE_NOT_ALLOWED');
    await refuse({ status: 'closed' }, 400, 'NOTE_REQUIRED');
    expect((await detail(guangdong.token, reference)).entry).toMatchObject({ status: 'new', version: 0 });

    expect((await moveEntry(service, guangdong.token, reference, { status: 'investigating', expectedVersion: 0 })).status).toBe(
      200,
    );
    await refuse({ status: 'closed', note: 'late', expectedVersion: 0 }, 409, 'INBOX_CONCURRENT_CHANGE');
    expect((await moveEntry(service, national.token, reference, { status: 'closed', note: 'Fake confirmed' })).status).toBe(200);
    await refuse({ status: 'investigating' }, 400, 'NOTE_REQUIRED');
    const reopened = await moveEntry(service, guangdong.token, reference, { status: 'investigating', note: 'Second shop found' });
    expect(reopened.status).toBe(200);

    const { entry, history } = await detail(guangdong.token, reference);
    expect(entry).toMatchObject({ status: 'investigating', version: 3 });
    expect(history.map(({ from, to, note, by }) => ({ from, to, note, orgId: by.orgId }))).toEqual([
      { from: 'new', to: 'investigating', note: undefined, orgId: guangdong.id },
      { from: 'investigating', to: 'closed', note: 'Fake confirmed', orgId: national.id },
      { from: 'closed', to: 'investigating', note: 'Second shop found', orgId: guangdong.id },
    ]);
    for (const change of history) {
      expect(change.by.subject).not.toBe('');
      expect(Date.parse(change.at)).not.toBeNaN();
    }
  });

  it('concurrent status changes: exactly one wins, the others get 409 and write nothing', async () => {
    const reference = await fileReport(service, reporterIn('CN-GD'));
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        moveEntry(service, i % 2 === 0 ? guangdong.token : national.token, reference, { status: 'investigating' }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409, 409, 409, 409, 409]);
    const losers = results.filter((r) => r.status === 409);
    for (const code of await Promise.all(losers.map(errorCode))) {
      expect(['INBOX_CONCURRENT_CHANGE', 'INBOX_MOVE_NOT_ALLOWED']).toContain(code);
    }
    const { entry, history } = await detail(guangdong.token, reference);
    expect(entry.version).toBe(1);
    expect(history).toHaveLength(1);
  });

  it('two writers holding the same read of an entry: one transaction wins, the other conflicts', async () => {
    const reference = await fileReport(service, reporterIn('CN-GD'));
    const read = await getInboxEntry('report', reference);
    if (read === undefined) throw new Error('not filed');
    const change = (note: string) => ({
      at: new Date().toISOString(),
      by: { orgId: guangdong.id, subject: 'racer' },
      from: 'new' as const,
      to: 'investigating' as const,
      note,
    });
    const outcomes = await Promise.all([changeInboxStatus(read, change('A')), changeInboxStatus(read, change('B'))]);
    expect(outcomes.sort()).toEqual(['conflict', 'written']);
    expect(await getInboxHistory('report', reference)).toHaveLength(1);
  });
});

describe('the history is append-only', () => {
  it('an entry rolled back to an earlier version cannot overwrite the history item already written for it', async () => {
    const reference = await fileReport(service, reporterIn('CN-GD'));
    expect((await moveEntry(service, guangdong.token, reference, { status: 'investigating', note: 'original' })).status).toBe(
      200,
    );
    const TableName = mainTableName();
    const historyKey = inboxHistoryKey('report', reference, 1);
    const before = (await documentClient.send(new GetCommand({ TableName, Key: historyKey }))).Item;
    // The attack: someone with write access puts the entry back at version 0, then asks
    // for the move again, hoping its history item 1 replaces the original.
    await documentClient.send(
      new UpdateCommand({
        TableName,
        Key: inboxEntryKey('report', reference),
        UpdateExpression: 'SET #status = :new, #version = :zero',
        ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
        ExpressionAttributeValues: { ':new': 'new', ':zero': 0 },
      }),
    );
    const res = await moveEntry(service, guangdong.token, reference, { status: 'investigating', note: 'rewritten' });
    expect(res.status).toBe(409);
    expect(await errorCode(res)).toBe('INBOX_CONCURRENT_CHANGE');
    expect((await documentClient.send(new GetCommand({ TableName, Key: historyKey }))).Item).toEqual(before);
    expect((await getInboxHistory('report', reference)).map((c) => c.note)).toEqual(['original']);
  });

  it('filing the same report again changes nothing', async () => {
    const reference = await fileReport(service, reporterIn('CN-GD'));
    expect((await moveEntry(service, guangdong.token, reference, { status: 'investigating' })).status).toBe(200);
    const entry = await getInboxEntry('report', reference);
    if (entry === undefined) throw new Error('not filed');
    await fileInInbox({ kind: 'report', id: reference, createdAt: entry.createdAt, provinces: ['CN-ZJ'], title: 'Overwritten' });
    expect(await getInboxEntry('report', reference)).toEqual(entry);
    const listed = (await listInbox(service, guangdong.token)).find((e) => e.id === reference);
    expect(listed).toMatchObject({ status: 'investigating', version: 1 });
  });
});

describe('filtering the listing', () => {
  it('filters by kind, status, GTIN and day, newest first, a page at a time', async () => {
    const hubei = await registerOrgIn(service, adminToken, 'regulator', 'CN-HB Wuhan');
    const withCode = await fileReport(service, reporterIn('CN-HB'), { code: genuineCode });
    const plain = await fileReport(service, reporterIn('CN-HB'));
    const moved = await fileReport(service, reporterIn('CN-HB'));
    expect((await moveEntry(service, hubei.token, moved, { status: 'investigating' })).status).toBe(200);
    await fileInInbox({
      kind: 'alert',
      id: `alert-${moved}`,
      createdAt: '2026-01-15T08:00:00.000Z',
      provinces: ['CN-HB'],
      gtin,
      title: 'Scanned in two cities 1,000 km apart within an hour',
    });
    const ids = async (query: string) => (await listInbox(service, hubei.token, query)).map((e) => e.id);

    expect(await ids('')).toEqual([moved, plain, withCode, `alert-${moved}`]);
    expect(await ids('?kind=alert')).toEqual([`alert-${moved}`]);
    expect(await ids('?kind=report&status=new')).toEqual([plain, withCode]);
    expect(await ids('?status=investigating')).toEqual([moved]);
    expect(await ids(`?gtin=${gtin}`)).toEqual([withCode, `alert-${moved}`]);
    expect(await ids('?from=2026-01-15&to=2026-01-15')).toEqual([`alert-${moved}`]);
    expect(await ids('?from=2026-01-16')).toEqual([moved, plain, withCode]);

    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await service.call('GET', `/v1/inbox?limit=1${cursor === undefined ? '' : `&cursor=${cursor}`}`, {
        token: hubei.token,
      });
      const page = (await res.json()) as { entries: { id: string }[]; cursor?: string };
      paged.push(...page.entries.map((e) => e.id));
      cursor = page.cursor;
    } while (cursor !== undefined);
    expect(paged).toEqual(await ids(''));
  });

  it('refuses a reversed date range, a foreign cursor and an unknown filter with a 400', async () => {
    const bad = ['?from=2026-02-01&to=2026-01-01', '?cursor=bm90LW91cnM', '?region=CN-ZJ', '?gtin=123'];
    for (const query of bad) {
      expect((await service.call('GET', `/v1/inbox${query}`, { token: guangdong.token })).status, query).toBe(400);
    }
  });
});
