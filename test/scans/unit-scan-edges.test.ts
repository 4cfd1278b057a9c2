import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSerialCodec } from '#kernel/codes/serial';
import { documentClient, mainTableName } from '#kernel/db/dynamodb-client';
import { unitScansKey } from '#kernel/db/item-keys';
import { subjectIdOf } from '#shared/custody/domain/types';
import { getBatchByLot } from '#shared/issuance/store/batch-repository';
import { getProductRecord } from '#shared/registry/store/product-repository';
import { recordUnitScans } from '#shared/scans/services/unit-scans';
import { getUnitScans } from '#shared/scans/store/unit-scan-repository';
import {
  alertsOfUnit,
  BEIJING,
  issueProductUnits,
  listAlerts,
  minutesFrom,
  orgIn,
  SHENZHEN,
  scanStream,
  type Unit,
} from '../support/anomalies';
import { custodyEvent, postEvents } from '../support/custody';
import { freshGtin } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/**
 * A unit's scan item at its edges, against DynamoDB Local: codes that name no unit we issued
 * leave nothing, a seller registered without a city still places the sale, and a write that
 * keeps losing to other writers gives up instead of looping, having counted nothing twice.
 */
let service: TestService;
let adminToken: string;
let factory: { id: string; token: string };
let units: Unit[];
const scanOf = scanStream();
const start = new Date();

const unit = (index: number): Unit => {
  const found = units[index];
  if (found === undefined) throw new Error(`no unit ${index}`);
  return found;
};
const subjectOf = (target: Unit) => subjectIdOf({ kind: 'unit', gtin: target.gtin, serial: target.serial });
const unitKey = (target: Unit) => ({ gtin: target.gtin, lot: target.lot, serial: target.serial });

/**
 * While `run` runs, another writer changes the scan item of `subjectId` just before each of
 * the next `times` transactions that write it, so each of them fails its revision condition.
 */
const rivalWrites = async (subjectId: string, times: number, run: () => Promise<unknown>) => {
  const name = `rival-${Math.random().toString(36).slice(2)}`;
  const key = unitScansKey(subjectId);
  let left = times;
  documentClient.middlewareStack.add(
    (next) => async (args) => {
      const items = (args.input as { TransactItems?: { Put?: { Item?: { pk?: unknown; sk?: unknown } } }[] }).TransactItems;
      const writesItem = items?.some((item) => item.Put?.Item?.pk === key.pk && item.Put?.Item?.sk === key.sk);
      if (writesItem === true && left > 0) {
        left -= 1;
        await documentClient.send(
          new UpdateCommand({
            TableName: mainTableName(),
            Key: key,
            UpdateExpression: 'SET revision = if_not_exists(revision, :zero) + :one',
            ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
          }),
        );
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
  try {
    return await run();
  } finally {
    documentClient.middlewareStack.remove(name);
  }
};

beforeAll(async () => {
  ({ service, adminToken } = await startTestServiceWithAdmin());
  // Registered with its province only: its region names no city.
  factory = await orgIn(service, adminToken, 'factory', 'CN-GD');
  ({ units } = await issueProductUnits(service, factory.token, 5));
});
afterAll(async () => service?.stop());

describe('codes that name no unit we issued', () => {
  it('a GTIN nobody registered leaves no item', async () => {
    const forged: Unit = { ...unit(0), gtin: freshGtin() };
    await recordUnitScans({ unit: unitKey(forged), scans: [scanOf(forged, SHENZHEN, start)] });
    const stored = await getUnitScans(subjectOf(forged));
    expect(stored.revision).toBe(0);
    expect(stored.state.memory.count).toBe(0);
  });

  it("a well-formed serial just past the lot's last unit leaves no item", async () => {
    const target = unit(0);
    const record = await getProductRecord(target.gtin);
    const batch = await getBatchByLot(target.gtin, target.lot);
    if (record === undefined || batch === undefined) throw new Error('fixture missing');
    const codec = createSerialCodec(record.serialKey);
    // Both ends of the lot's range: the unit after its last, and the one before its first.
    for (const sequence of [batch.firstSequence + batch.count, batch.firstSequence - 1]) {
      if (sequence < 0) continue;
      const serial = codec.encode(sequence);
      expect(codec.decode(serial)).toBe(sequence);
      const outside: Unit = { ...target, serial };
      await recordUnitScans({ unit: unitKey(outside), scans: [scanOf(outside, SHENZHEN, start)] });
      expect((await getUnitScans(subjectOf(outside))).revision).toBe(0);
    }
  });
});

describe('a sale by an organization registered without a city', () => {
  it('is still placed in its province: a later scan in another province is far from the sale', async () => {
    const target = unit(1);
    const sold = await postEvents(service, factory.token, [custodyEvent('retail_selling', { epcs: [target.uri] })]);
    expect(sold.results.map((result) => result.status)).toEqual(['recorded']);
    await recordUnitScans({ unit: unitKey(target), scans: [scanOf(target, SHENZHEN, minutesFrom(start, 24 * 60))] });
    expect((await getUnitScans(subjectOf(target))).state.hits).toBe(0);
    await recordUnitScans({ unit: unitKey(target), scans: [scanOf(target, BEIJING, minutesFrom(start, 48 * 60))] });
    const alerts = alertsOfUnit(await listAlerts(service, factory.token), target);
    expect(alerts.map((alert) => alert.rule)).toEqual(['far_from_sale']);
  });
});

describe('a scan write that loses to another writer', () => {
  it('re-reads and counts the scans once when it loses once', async () => {
    const target = unit(2);
    const scans = [scanOf(target, SHENZHEN, start), scanOf(target, SHENZHEN, minutesFrom(start, 1))];
    await rivalWrites(subjectOf(target), 1, () => recordUnitScans({ unit: unitKey(target), scans }));
    const stored = await getUnitScans(subjectOf(target));
    expect(stored.state.memory.count).toBe(2);
    // The rival's write and ours.
    expect(stored.revision).toBe(2);
  });

  it('gives up with an error after eight lost writes, and has counted nothing', async () => {
    const target = unit(3);
    const scans = [scanOf(target, SHENZHEN, start)];
    await expect(
      rivalWrites(subjectOf(target), Number.POSITIVE_INFINITY, () => recordUnitScans({ unit: unitKey(target), scans })),
    ).rejects.toThrow(/kept changing under 8 attempts/);
    const stored = await getUnitScans(subjectOf(target));
    expect(stored.state.memory.count).toBe(0);
    // Eight rival writes, one before each attempt: the loop is bounded.
    expect(stored.revision).toBe(8);
  });
});
