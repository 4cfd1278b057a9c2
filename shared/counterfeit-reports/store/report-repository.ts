/**
 * Counterfeit reports. The record lives under its reference; each audience reads its own
 * listing copy in its own partition (the product's factory, the province's regulators),
 * so listing is one Query and the factory's copy simply has no contact field to leak.
 */
import { GetCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from '#kernel/db/cursors';
import { documentClient, isConditionFailure, mainTableName, type TransactItems, transactWrite } from '#kernel/db/dynamodb-client';
import {
  REPORT_LISTING_PREFIX,
  reportKey,
  reportListingRange,
  reportListingSortKey,
  reportQuotaKey,
  reportsOfFactoryPartition,
  reportsOfRegionPartition,
} from '#kernel/db/item-keys';
import type { Report, ReportStatus } from '../domain/reports';

/** Writes the report and its listing copies at once; false if the reference is taken. */
export const putReport = async (report: Report): Promise<boolean> => {
  const TableName = mainTableName();
  const sk = reportListingSortKey(report.createdAt, report.reference);
  const { contact: _contact, ...withoutContact } = report;
  const items: TransactItems = [
    {
      Put: {
        TableName,
        Item: { ...reportKey(report.reference), type: 'report', ...report },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    { Put: { TableName, Item: { pk: reportsOfRegionPartition(report.region), sk, type: 'reportListing', ...report } } },
  ];
  if (report.factoryOrgId !== undefined) {
    items.push({
      Put: {
        TableName,
        Item: { pk: reportsOfFactoryPartition(report.factoryOrgId), sk, type: 'reportListing', ...withoutContact },
      },
    });
  }
  return (await transactWrite(items)) === 'recorded';
};

export const getReport = async (reference: string): Promise<Report | undefined> => {
  const { Item } = await documentClient.send(new GetCommand({ TableName: mainTableName(), Key: reportKey(reference) }));
  return Item === undefined ? undefined : toReport(Item);
};

/**
 * The writes that set a report's status on its record and every listing copy, for the
 * caller's transaction (the inbox moves a report's status with its own entry, atomically).
 */
export const reportStatusWrites = (report: Report, status: ReportStatus): TransactItems => {
  const TableName = mainTableName();
  const sk = reportListingSortKey(report.createdAt, report.reference);
  const keys = [
    reportKey(report.reference),
    { pk: reportsOfRegionPartition(report.region), sk },
    ...(report.factoryOrgId === undefined ? [] : [{ pk: reportsOfFactoryPartition(report.factoryOrgId), sk }]),
  ];
  return keys.map((Key) => ({
    Update: {
      TableName,
      Key,
      UpdateExpression: 'SET #status = :status',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': status },
    },
  }));
};

/**
 * One page of every report record, for the one-off inbox back-fill (scripts/backfill-inbox.ts):
 * no index lists reports across provinces, and a migration reads each item once. The
 * cursor lets the script resume where it stopped.
 */
export const scanReportRecords = async (cursor: string | undefined): Promise<{ reports: Report[]; cursor?: string }> => {
  const page = await documentClient.send(
    new ScanCommand({
      TableName: mainTableName(),
      FilterExpression: '#type = :type',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':type': 'report' },
      Limit: 500,
      ExclusiveStartKey:
        cursor === undefined
          ? undefined
          : (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>),
    }),
  );
  // The operator's own checkpoint, kept across runs in a file: not an API cursor, so not sealed.
  const next =
    page.LastEvaluatedKey === undefined
      ? undefined
      : Buffer.from(JSON.stringify(page.LastEvaluatedKey), 'utf8').toString('base64url');
  return { reports: (page.Items ?? []).map(toReport), ...(next === undefined ? {} : { cursor: next }) };
};

export type ReportAudience = { kind: 'factory'; orgId: string } | { kind: 'region'; province: string };

export interface ReportListOptions {
  status?: ReportStatus;
  /** YYYY-MM-DD, both included. */
  from?: string;
  to?: string;
  cursor?: string;
  /** Who reads: the listing's cursors are good for this organization alone. */
  reader?: string;
  limit?: number;
}

export interface ReportPage {
  reports: Report[];
  cursor?: string;
}

const toReport = (item: Record<string, unknown>): Report => {
  const { pk: _pk, sk: _sk, type: _type, ...report } = item;
  return report as unknown as Report;
};

/** Newest first. A status filter is applied within each page read, so a page may hold fewer than `limit`. */
export const listReports = async (audience: ReportAudience, options: ReportListOptions = {}): Promise<ReportPage> => {
  const pk =
    audience.kind === 'factory' ? reportsOfFactoryPartition(audience.orgId) : reportsOfRegionPartition(audience.province);
  const { start, end } = reportListingRange(options.from, options.to);
  const cursorShape = {
    listing: 'reports',
    parameters: [start, end, options.status, options.reader],
    exact: { pk },
    prefixed: { sk: REPORT_LISTING_PREFIX },
  };
  const page = await documentClient.send(
    new QueryCommand({
      TableName: mainTableName(),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :start AND :end',
      ...(options.status === undefined
        ? { ExpressionAttributeValues: { ':pk': pk, ':start': start, ':end': end } }
        : {
            FilterExpression: '#status = :status',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':pk': pk, ':start': start, ':end': end, ':status': options.status },
          }),
      ScanIndexForward: false,
      Limit: options.limit ?? 50,
      ExclusiveStartKey: await decodeCursor(options.cursor, cursorShape),
    }),
  );
  const cursor = await encodeCursor(page.LastEvaluatedKey, cursorShape);
  return { reports: (page.Items ?? []).map(toReport), ...(cursor === undefined ? {} : { cursor }) };
};

export type QuotaOutcome = { allowed: true } | { allowed: false; retryAfterSeconds: number };

const HOUR_MS = 60 * 60 * 1000;

/**
 * Counts one report against a fixed hourly window of a source-IP hash; the counter item
 * expires (TTL) a day after its window, so nothing about a reporter outlives that.
 */
export const consumeReportQuota = async (ipHash: string, now: Date, limitPerHour: number): Promise<QuotaOutcome> => {
  const windowStartMs = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const windowEndMs = windowStartMs + HOUR_MS;
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: mainTableName(),
        Key: reportQuotaKey(ipHash, new Date(windowStartMs).toISOString()),
        UpdateExpression: 'ADD #count :one SET expiresAt = :expiresAt, #type = :type',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
        ExpressionAttributeNames: { '#count': 'count', '#type': 'type' },
        ExpressionAttributeValues: {
          ':one': 1,
          ':limit': limitPerHour,
          ':expiresAt': Math.floor((windowEndMs + 24 * HOUR_MS) / 1000),
          ':type': 'reportQuota',
        },
      }),
    );
    return { allowed: true };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((windowEndMs - now.getTime()) / 1000)) };
  }
};
