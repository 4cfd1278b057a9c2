import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { MAIN_TABLE } from '../../shared/store/table-definitions';

/**
 * What a function may do with the table. The string levels include each other; nothing may
 * delete items (TTL expires them). `readKeys` is read access down to the partition key
 * (`dynamodb:LeadingKeys`), for the public functions: a bug or an injection in them can
 * then read only the items a verification needs, never an organization's batches, events,
 * idempotency records or app-client links.
 */
export type TableAccess = 'none' | 'read' | 'readWrite' | { readonly readKeys: readonly string[] };

export const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'];

/**
 * Partition keys (StringLike patterns) the public verification reads, by the repositories
 * in shared/store: products and their lots (`PRODUCT#{gtin}`, the lot item carries the lot
 * recall), organizations (`ORG#{id}`: the factory's name and region), custody states and
 * their summaries (`SUBJECT#{...}`), and the public signing keys (`SIGNING_KEYS`).
 * test/integration/least-privilege-keys.test.ts records every key a real verification
 * reads and fails when one falls outside these.
 */
export const VERIFY_READ_KEYS = ['PRODUCT#*', 'ORG#*', 'SUBJECT#*', 'SIGNING_KEYS'] as const;
/** The JWKS is built from the public signing keys only. */
export const JWKS_READ_KEYS = ['SIGNING_KEYS'] as const;
/** The rotation function reads and writes only the public key items. */
export const SIGNING_KEY_ITEMS = ['SIGNING_KEYS'] as const;
/** The token trigger reads only app-client links (`CLIENT#{clientId}`). */
export const CLIENT_LINK_KEYS = ['CLIENT#*'] as const;

const tableAndIndexes = (table: TableV2): string[] => [
  table.tableArn,
  ...MAIN_TABLE.globalIndexes.map((index) => `${table.tableArn}/index/${index.indexName}`),
];

/**
 * Actions on the table itself, only on items whose partition key matches one of the
 * patterns. No index is granted: on a Query of a global secondary index LeadingKeys is the
 * index's partition key value, which would be a different (and wider) set of items.
 */
export const keyedTableStatement = (
  table: TableV2,
  actions: readonly string[],
  leadingKeys: readonly string[],
): PolicyStatement =>
  new PolicyStatement({
    actions: [...actions],
    resources: [table.tableArn],
    conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...leadingKeys] } },
  });

export const grantTable = (table: TableV2, fn: IFunction, access: TableAccess): void => {
  if (access === 'none') return;
  if (typeof access === 'object') {
    fn.addToRolePolicy(keyedTableStatement(table, READ_ACTIONS, access.readKeys));
    return;
  }
  const actions = access === 'read' ? READ_ACTIONS : [...READ_ACTIONS, ...WRITE_ACTIONS];
  fn.addToRolePolicy(new PolicyStatement({ actions, resources: tableAndIndexes(table) }));
};
