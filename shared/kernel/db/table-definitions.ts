import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The single source of truth for key schemas and indexes. The CDK stack and the local
 * runtime (and the integration tests) both build their tables from these objects, so the
 * two can never drift apart.
 */
export interface KeyAttribute {
  name: string;
  type: 'S' | 'N';
}

export interface GlobalIndexDefinition {
  indexName: string;
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute;
}

export interface TableDefinition {
  /** CDK logical id; the physical name is left to CloudFormation. */
  logicalId: string;
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute;
  globalIndexes: GlobalIndexDefinition[];
  timeToLiveAttribute: string;
}

/**
 * The indexes by what they serve; repositories name an index only through these.
 * The physical names are part of the deployed table, so they stay what they were.
 */
export const INDEXES = {
  /** Custodian inventory (held, incoming), a factory's batches (newest first) and its products. */
  byOwner: 'gsi1',
  /** Sparse: only units packed in a container, by lot. */
  byLot: 'gsi2',
  /** Every event item by record time: day partitions split into hash buckets (item-keys.ts). */
  byRecordTime: 'gsi3',
} as const;

export const MAIN_TABLE: TableDefinition = {
  logicalId: 'MainTable',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalIndexes: [
    {
      indexName: INDEXES.byOwner,
      partitionKey: { name: 'gsi1pk', type: 'S' },
      sortKey: { name: 'gsi1sk', type: 'S' },
    },
    // Sparse: only units packed in a container, by lot, so a lot recall finds the
    // containers it must stop without reading anything else.
    {
      indexName: INDEXES.byLot,
      partitionKey: { name: 'gsi2pk', type: 'S' },
      sortKey: { name: 'gsi2sk', type: 'S' },
    },
    // Every event, recall and error declaration by record time, for audit queries and the
    // Merkle checkpointer. Its key is written with the event in the event's own
    // transaction, so the index can never miss one; a day's events spread over
    // EVENT_TIME_BUCKETS partitions so a busy day is not one hot partition.
    {
      indexName: INDEXES.byRecordTime,
      partitionKey: { name: 'gsi3pk', type: 'S' },
      sortKey: { name: 'gsi3sk', type: 'S' },
    },
  ],
  timeToLiveAttribute: 'expiresAt',
};

export const toCreateTableInput = (definition: TableDefinition, tableName: string): CreateTableCommandInput => {
  const attributes = new Map<string, KeyAttribute>();
  for (const key of [
    definition.partitionKey,
    definition.sortKey,
    ...definition.globalIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ]) {
    attributes.set(key.name, key);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes.values()].map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
    KeySchema: [
      { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: definition.sortKey.name, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: definition.globalIndexes.map((index) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
  };
};
