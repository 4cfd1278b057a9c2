/**
 * Anomaly alerts. The record lives under its id; each audience reads its own listing copy
 * in its own partition (the product's factory, each province concerned and that province's
 * country), so listing is one Query. Alerts are only ever written in the same transaction
 * as the item whose revision orders their changes: their unit's scan item
 * (unit-scan-repository), or for a counterfeit wave its product's day tally
 * (forged-scan-repository).
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from '#kernel/db/cursors';
import { documentClient, mainTableName, type TransactItems } from '#kernel/db/dynamodb-client';
import {
  ALERT_LISTING_PREFIX,
  alertKey,
  alertListingRange,
  alertListingSortKey,
  alertsOfFactoryPartition,
  alertsOfRegionPartition,
} from '#kernel/db/item-keys';
import { type Alert, type AlertRule, alertAudiences } from '../domain/alerts';

/** The puts that store an alert as it now stands: its record and every listing copy. */
export const alertPutItems = (alert: Alert): TransactItems => {
  const TableName = mainTableName();
  const sk = alertListingSortKey(alert.firstAt, alert.id);
  const partitions = [
    alertsOfFactoryPartition(alert.factoryOrgId),
    ...alertAudiences(alert.provinces).map(alertsOfRegionPartition),
  ];
  return [
    { Put: { TableName, Item: { ...alertKey(alert.id), type: 'alert', ...alert } } },
    ...partitions.map((pk) => ({ Put: { TableName, Item: { pk, sk, type: 'alertListing', ...alert } } })),
  ];
};

/** One alert by id, as its record stands (the inbox shows it beside its entry). */
export const getAlert = async (id: string): Promise<Alert | undefined> => {
  const { Item } = await documentClient.send(new GetCommand({ TableName: mainTableName(), Key: alertKey(id) }));
  if (Item === undefined) return undefined;
  const { pk: _pk, sk: _sk, type: _type, ...alert } = Item;
  return alert as Alert;
};

export type AlertAudience = { kind: 'factory'; orgId: string } | { kind: 'region'; region: string };

export interface AlertListOptions {
  gtin?: string;
  rule?: AlertRule;
  /** YYYY-MM-DD of the alert's opening, both included. */
  from?: string;
  to?: string;
  cursor?: string;
  /** Who reads: the listing's cursors are good for this organization alone. */
  reader?: string;
  limit?: number;
}

export interface AlertPage {
  alerts: Alert[];
  cursor?: string;
}

const toAlert = (item: Record<string, unknown>): Alert => {
  const { pk: _pk, sk: _sk, type: _type, ...alert } = item;
  return alert as unknown as Alert;
};

/** Newest first. Filters apply within each page read, so a page may hold fewer than `limit`. */
export const listAlerts = async (audience: AlertAudience, options: AlertListOptions = {}): Promise<AlertPage> => {
  const pk = audience.kind === 'factory' ? alertsOfFactoryPartition(audience.orgId) : alertsOfRegionPartition(audience.region);
  const { start, end } = alertListingRange(options.from, options.to);
  const cursorShape = {
    listing: 'alerts',
    parameters: [start, end, options.gtin, options.rule, options.reader],
    exact: { pk },
    prefixed: { sk: ALERT_LISTING_PREFIX },
  };
  const filters: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':pk': pk, ':start': start, ':end': end };
  if (options.gtin !== undefined) {
    // A unit alert names its unit, a counterfeit wave its product.
    filters.push('(#unit.#gtin = :gtin OR #product.#gtin = :gtin)');
    Object.assign(names, { '#unit': 'unit', '#product': 'product', '#gtin': 'gtin' });
    values[':gtin'] = options.gtin;
  }
  if (options.rule !== undefined) {
    filters.push('#rule = :rule');
    names['#rule'] = 'rule';
    values[':rule'] = options.rule;
  }
  const page = await documentClient.send(
    new QueryCommand({
      TableName: mainTableName(),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :start AND :end',
      ...(filters.length === 0 ? {} : { FilterExpression: filters.join(' AND '), ExpressionAttributeNames: names }),
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
      Limit: options.limit ?? 50,
      ExclusiveStartKey: await decodeCursor(options.cursor, cursorShape),
    }),
  );
  const cursor = await encodeCursor(page.LastEvaluatedKey, cursorShape);
  return { alerts: (page.Items ?? []).map(toAlert), ...(cursor === undefined ? {} : { cursor }) };
};
