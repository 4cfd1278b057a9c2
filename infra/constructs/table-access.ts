import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { MAIN_TABLE } from '#kernel/db/table-definitions';

/**
 * What a function may do with the table. The string levels include each other; nothing may
 * delete items (TTL expires them). A keyed access is down to the partition key
 * (`dynamodb:LeadingKeys`), for the public functions and the triggers: a bug or an
 * injection in them can then touch only the items they need, never an organization's
 * batches, events, idempotency records or app-client links.
 */
export type TableAccess = 'none' | 'read' | 'readWrite' | KeyedTableAccess;

export interface KeyedTableAccess {
  /** StringLike patterns of the partition keys the function may touch. */
  readonly leadingKeys: readonly string[];
  /**
   * Item actions on those partitions.
   * @default READ_ACTIONS
   */
  readonly actions?: readonly string[];
}

export const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'];

/**
 * Partition keys (StringLike patterns) the public verification reads, by the repositories
 * in shared/store: products and their lots (`PRODUCT#{gtin}`, the lot item carries the lot
 * recall), organizations (`ORG#{id}`: the factory's name and region), custody states and
 * their summaries (`SUBJECT#{...}`), and the public signing keys (`SIGNING_KEYS`).
 * test/kernel/least-privilege-keys.test.ts records every key a real verification
 * reads and fails when one falls outside these.
 */
export const VERIFY_READ_KEYS = ['PRODUCT#*', 'ORG#*', 'SUBJECT#*', 'SIGNING_KEYS'] as const;
/** The JWKS is built from the public signing keys only. */
export const JWKS_READ_KEYS = ['SIGNING_KEYS'] as const;
/** The rotation function reads and writes only the public key items. */
export const SIGNING_KEY_ITEMS = ['SIGNING_KEYS'] as const;
/** The API's authorizer reads only organization items (`ORG#{id}`): is it registered, in which role. */
export const ORGANIZATION_KEYS = ['ORG#*'] as const;
/** Every function of a private route that writes puts one activity record per successful call, and nothing else there. */
export const ACTIVITY_KEYS = ['ACTIVITY#*'] as const;
/** The token trigger reads app-client links (`CLIENT#{clientId}`)... */
export const CLIENT_LINK_KEYS = ['CLIENT#*'] as const;
/** ...and people's: a user's link (`USER#{userId}`), then its membership in its organization's partition (`ORG#{id}`). */
export const MEMBERSHIP_KEYS = ['USER#*', 'ORG#*'] as const;

const tableAndIndexes = (table: ITableV2): string[] => [
  table.tableArn,
  ...MAIN_TABLE.globalIndexes.map((index) => `${table.tableArn}/index/${index.indexName}`),
];

/**
 * Actions on the table itself, only on items whose partition key matches one of the
 * patterns. No index is granted: on a Query of a global secondary index LeadingKeys is the
 * index's partition key value, which would be a different (and wider) set of items.
 */
const keyedTableStatement = (table: ITableV2, actions: readonly string[], leadingKeys: readonly string[]): PolicyStatement =>
  new PolicyStatement({
    actions: [...actions],
    resources: [table.tableArn],
    conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...leadingKeys] } },
  });

/** The one place table permissions are made: TraceSealFunction.grantTable calls it. */
export const grantTable = (table: ITableV2, fn: IFunction, access: TableAccess): void => {
  if (access === 'none') return;
  if (typeof access === 'object') {
    if (access.leadingKeys.length === 0) throw new Error(`${fn.node.path}: a keyed table access needs at least one key pattern`);
    fn.addToRolePolicy(keyedTableStatement(table, access.actions ?? READ_ACTIONS, access.leadingKeys));
    return;
  }
  const actions = access === 'read' ? READ_ACTIONS : [...READ_ACTIONS, ...WRITE_ACTIONS];
  fn.addToRolePolicy(new PolicyStatement({ actions, resources: tableAndIndexes(table) }));
};
