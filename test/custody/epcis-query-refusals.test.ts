import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Principal } from '#kernel/auth/principal';
import { InvalidCursorError, sealCursor } from '#kernel/db/cursors';
import { MAIN_TABLE } from '#kernel/db/table-definitions';
import { ForbiddenError } from '#kernel/errors';
import type { Role } from '#kernel/roles';
import { parseEpcisQuery } from '#shared/custody/domain/epcis-query';
import { chooseIndex, queryEpcisEvents } from '#shared/custody/services/epcis-query-service';
import { createOrganization } from '#shared/registry/store/org-repository';
import { ensureTable } from '../../scripts/local/tables';

/**
 * GET /v1/epcis/events' service, called directly against DynamoDB Local: who may query at
 * all, which index a national regulator's query reads, and page tokens that are sealed for
 * the query but hold no position the service writes (refused before any read).
 */
beforeAll(async () => {
  await ensureTable(new DynamoDBClient({}), MAIN_TABLE, process.env.TABLE_NAME ?? '');
});
afterEach(() => vi.unstubAllEnvs());

const NOW = new Date('2026-06-01T00:00:00.000Z');
const GTIN_A = '06952012345676';
const GTIN_B = '06952012345683';
const orgOf = async (role: Role, region: string): Promise<Principal> => {
  const id = `org-${randomUUID()}`;
  await createOrganization({
    id,
    name: `A ${role}`,
    role,
    region,
    licenseNumber: id.slice(-18),
    createdAt: new Date().toISOString(),
  });
  return { orgId: id, role, clientId: 'client' };
};
/** A token sealed exactly as the service seals one for this query and caller. */
const tokenFor = (raw: Record<string, string>, principal: Principal, position: string) =>
  sealCursor(
    {
      listing: 'epcis-events',
      parameters: [Object.entries(raw).sort(([a], [b]) => (a < b ? -1 : 1)), principal.orgId, principal.role],
    },
    position,
  );

describe('who may query', () => {
  it('refuses an organization that is not registered, one claiming another role, and one that reads nothing', async () => {
    const ghost: Principal = { orgId: `org-${randomUUID()}`, role: 'factory', clientId: 'c' };
    await expect(queryEpcisEvents(ghost, {}, NOW)).rejects.toThrow(ForbiddenError);
    const factory = await orgOf('factory', 'CN-AH Hefei');
    await expect(queryEpcisEvents({ ...factory, role: 'regulator' }, {}, NOW)).rejects.toThrow(ForbiddenError);
    const admin = await orgOf('admin', 'CN');
    await expect(queryEpcisEvents(admin, {}, NOW)).rejects.toThrow(ForbiddenError);
  });
});

describe('the index a national regulator reads', () => {
  const everything = { kind: 'everything' } as const;
  const indexOf = (raw: Record<string, string>) => chooseIndex(parseEpcisQuery(raw), everything);

  it('reads one GTIN’s or lot’s rows only when the query names exactly one', async () => {
    expect(await indexOf({ MATCH_epcClass: `https://id.gs1.org/01/${GTIN_A}/10/L1` })).toEqual({
      kind: 'facet',
      facet: 'lot',
      value: `${GTIN_A}/L1`,
    });
    expect(
      await indexOf({ MATCH_epcClass: `https://id.gs1.org/01/${GTIN_A}/10/L1,https://id.gs1.org/01/${GTIN_A}/10/L2` }),
    ).toEqual({ kind: 'facet', facet: 'gtin', value: GTIN_A });
    expect(
      await indexOf({
        MATCH_epcClass: `https://id.gs1.org/01/${GTIN_A},https://id.gs1.org/01/${GTIN_B}`,
        EQ_bizStep: 'shipping',
      }),
    ).toEqual({ kind: 'facet', facet: 'bizStep', value: 'shipping' });
    // Units of two GTINs in MATCH_epc; one GTIN in MATCH_anyEPC: the latter decides.
    expect(
      await indexOf({
        MATCH_epc: `https://id.gs1.org/01/${GTIN_A}/21/S1,https://id.gs1.org/01/${GTIN_B}/21/S2`,
        MATCH_anyEPC: `https://id.gs1.org/01/${GTIN_B}/21/S3`,
      }),
    ).toEqual({ kind: 'facet', facet: 'gtin', value: GTIN_B });
    expect(await indexOf({ MATCH_epc: `https://id.gs1.org/01/${GTIN_A}/21/S1,https://id.gs1.org/01/${GTIN_B}/21/S2` })).toEqual({
      kind: 'time',
    });
  });
});

describe('a page token', () => {
  it('is refused when it holds no position the service writes, even sealed for the very query', async () => {
    const national = await orgOf('regulator', 'CN');
    for (const position of ['not-a-position', '2026-02-30~', '2026-13~', '2026-03-01T25:00:00.000Z#e1']) {
      const raw = { nextPageToken: await tokenFor({}, national, position) };
      await expect(queryEpcisEvents(national, raw, NOW)).rejects.toThrow(InvalidCursorError);
    }
    // A day's end and an order key are positions: the read resumes after them (nothing recorded here).
    for (const position of ['2026-03-01~', '2026-03-01T10:00:00.000Z#e1']) {
      const raw = { nextPageToken: await tokenFor({}, national, position) };
      expect(await queryEpcisEvents(national, raw, NOW)).toMatchObject({ events: [] });
    }
  });

  it('resumes a day-by-day read after a month’s end, which a month-by-month index wrote before the caller’s view changed', async () => {
    // Before: the time index (read by day) built its first day from `2026-03~` and threw RangeError, a 500.
    const national = await orgOf('regulator', 'CN');
    const raw = { LT_recordTime: '2026-04-03T00:00:00.000Z' };
    const page = await queryEpcisEvents(national, { ...raw, nextPageToken: await tokenFor(raw, national, '2026-03~') }, NOW);
    expect(page).toEqual({ events: [] });
  });

  it('answers an empty page, reading nothing, for a range that ends before it starts', async () => {
    const national = await orgOf('regulator', 'CN');
    const raw = { GE_recordTime: '2026-05-01T00:00:00.000Z', LT_recordTime: '2026-04-01T00:00:00.000Z' };
    expect(await queryEpcisEvents(national, raw, NOW)).toEqual({ events: [] });
    vi.stubEnv('EVENTS_SINCE', '2026-07-01');
    expect(await queryEpcisEvents(national, {}, NOW)).toEqual({ events: [] });
  });
});
