/**
 * A unit's scan item (SUBJECT#{id} / SCANS): what its scans add up to, how far into each
 * stream shard it has absorbed, its anomaly hits and flag, and its open alerts. Every change
 * is a conditional write on the revision that was read, in one transaction with the alerts
 * it touches, so a batch delivered twice, or two shards racing on one unit, count once.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, mainTableName, queryAll, type TransactItems, transactWrite } from '#kernel/db/dynamodb-client';
import { subjectPartition, UNBLOCK_PREFIX, unitScansKey, unitUnblockKey } from '#kernel/db/item-keys';
import type { UnitAlert } from '../domain/alerts';
import { freshBaseline, type ScanRuleName, type UnitFlag, type UnitScanMemory } from '../domain/scan-rules';
import type { ShardProgress } from '../domain/scans';
import { alertPutItems } from './alert-repository';

export interface UnitScanState {
  memory: UnitScanMemory;
  progress: ShardProgress;
  /** Hits since the unit was last unblocked. */
  hits: number;
  flag?: UnitFlag;
  flagRules: ScanRuleName[];
  flaggedAt?: string;
  unblocks: number;
  /** At most one per rule. */
  openAlerts: Partial<Record<ScanRuleName, UnitAlert>>;
}

export interface StoredUnitScans {
  state: UnitScanState;
  /** 0 when the unit has no scan item yet. */
  revision: number;
}

export interface UnblockRecord {
  by: string;
  at: string;
  reason: string;
  flagBefore: UnitFlag;
  flagRulesBefore: ScanRuleName[];
  hitsBefore: number;
  closedAlertIds: string[];
  /**
   * The unblock also reset what the rules judge from (count, remembered places, hits):
   * how many scans the old baseline held, and the time the new one starts.
   */
  baselineReset: { scansBefore: number; since: string };
}

const EMPTY: UnitScanState = {
  memory: { count: 0, recent: [] },
  progress: {},
  hits: 0,
  flagRules: [],
  unblocks: 0,
  openAlerts: {},
};

export const getUnitScans = async (subjectId: string): Promise<StoredUnitScans> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: mainTableName(), Key: unitScansKey(subjectId), ConsistentRead: true }),
  );
  if (Item === undefined) return { state: structuredClone(EMPTY), revision: 0 };
  const item = Item as Record<string, unknown>;
  return {
    state: {
      memory: {
        count: Number(item.count ?? 0),
        ...(typeof item.firstAt === 'string' ? { firstAt: item.firstAt } : {}),
        ...(typeof item.lastAt === 'string' ? { lastAt: item.lastAt } : {}),
        recent: (item.recent as UnitScanMemory['recent'] | undefined) ?? [],
        ...(typeof item.baselineSince === 'string' ? { since: item.baselineSince } : {}),
      },
      progress: (item.progress as ShardProgress | undefined) ?? {},
      hits: Number(item.hits ?? 0),
      ...(item.flag === 'suspect' || item.flag === 'blocked' ? { flag: item.flag } : {}),
      flagRules: (item.flagRules as ScanRuleName[] | undefined) ?? [],
      ...(typeof item.flaggedAt === 'string' ? { flaggedAt: item.flaggedAt } : {}),
      unblocks: Number(item.unblocks ?? 0),
      openAlerts: (item.openAlerts as UnitScanState['openAlerts'] | undefined) ?? {},
    },
    revision: Number(item.revision ?? 0),
  };
};

/** The scan item as a conditional put on the revision that was read. */
const statePut = (subjectId: string, state: UnitScanState, readRevision: number): TransactItems[number] => ({
  Put: {
    TableName: mainTableName(),
    Item: {
      ...unitScansKey(subjectId),
      type: 'unitScans',
      subjectId,
      count: state.memory.count,
      firstAt: state.memory.firstAt,
      lastAt: state.memory.lastAt,
      recent: state.memory.recent,
      baselineSince: state.memory.since,
      progress: state.progress,
      hits: state.hits,
      flag: state.flag,
      flagRules: state.flagRules,
      flaggedAt: state.flaggedAt,
      unblocks: state.unblocks,
      openAlerts: state.openAlerts,
      revision: readRevision + 1,
    },
    ...(readRevision === 0
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : { ConditionExpression: 'revision = :revision', ExpressionAttributeValues: { ':revision': readRevision } }),
  },
});

/**
 * Stores the new state and the alerts it touched at once; false when someone else changed
 * the item since it was read (re-read and start over).
 */
export const writeUnitScans = async (
  subjectId: string,
  state: UnitScanState,
  readRevision: number,
  alerts: readonly UnitAlert[],
): Promise<boolean> =>
  (await transactWrite([statePut(subjectId, state, readRevision), ...alerts.flatMap(alertPutItems)])) === 'recorded';

/**
 * Clears the flag, closes the open alerts, resets what the rules judge from to a fresh
 * baseline from the unblock on (record.baselineReset says so), and appends who did it and
 * why to the unit's unblock history, all at once; false on a concurrent change, such as a
 * batch absorbed since the item was read (its scans then count in the baseline that is reset).
 */
export const writeUnblock = async (
  subjectId: string,
  stored: StoredUnitScans,
  record: UnblockRecord,
  closedAlerts: readonly UnitAlert[],
): Promise<boolean> => {
  const unblocks = stored.state.unblocks + 1;
  const { flag: _flag, flaggedAt: _flaggedAt, ...rest } = stored.state;
  const cleared: UnitScanState = {
    ...rest,
    memory: freshBaseline(record.baselineReset.since),
    hits: 0,
    flagRules: [],
    openAlerts: {},
    unblocks,
  };
  const history: TransactItems[number] = {
    Put: {
      TableName: mainTableName(),
      Item: { ...unitUnblockKey(subjectId, record.at, unblocks), type: 'unitUnblock', subjectId, ...record },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
  return (
    (await transactWrite([statePut(subjectId, cleared, stored.revision), history, ...closedAlerts.flatMap(alertPutItems)])) ===
    'recorded'
  );
};

/** An unblock as the history keeps it: entries from before unblocks reset the baseline have no `baselineReset`. */
export type StoredUnblock = Omit<UnblockRecord, 'baselineReset'> & Partial<Pick<UnblockRecord, 'baselineReset'>>;

/** A unit's unblock history, oldest first (a handful of items per unit at most). */
export const listUnblocks = async (subjectId: string): Promise<StoredUnblock[]> => {
  const items = await queryAll({
    TableName: mainTableName(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': subjectPartition(subjectId), ':prefix': UNBLOCK_PREFIX },
    ConsistentRead: true,
  });
  return items.map((item) => {
    const { by, at, reason, flagBefore, flagRulesBefore, hitsBefore, closedAlertIds, baselineReset } =
      item as unknown as StoredUnblock;
    return {
      by,
      at,
      reason,
      flagBefore,
      flagRulesBefore,
      hitsBefore,
      closedAlertIds,
      ...(baselineReset === undefined ? {} : { baselineReset }),
    };
  });
};
