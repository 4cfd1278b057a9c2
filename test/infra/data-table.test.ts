import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { MAIN_TABLE, type TableDefinition } from '#kernel/db/table-definitions';
import { DataTable } from '../../infra/constructs/data-table';
import { newStack } from './synth';
import { resourcesOfType } from './template-helpers';

const build = (id = 'Anywhere', definition?: TableDefinition) => {
  const stack = newStack();
  new DataTable(stack, id, { definition });
  return Template.fromStack(stack);
};

const keySchema = (partition: { name: string }, sort: { name: string }) => [
  { AttributeName: partition.name, KeyType: 'HASH' },
  { AttributeName: sort.name, KeyType: 'RANGE' },
];

describe('DataTable', () => {
  const [[logicalId, table] = []] = resourcesOfType(build(), 'AWS::DynamoDB::GlobalTable');
  const properties = table?.Properties ?? {};

  it('takes the logical id its definition names, whatever its construct id', () => {
    expect(logicalId).toBe(MAIN_TABLE.logicalId);
    const [[otherId] = []] = resourcesOfType(
      build('Table', { ...MAIN_TABLE, logicalId: 'OtherTable' }),
      'AWS::DynamoDB::GlobalTable',
    );
    expect(otherId).toBe('OtherTable');
  });

  it('has the key schema of MAIN_TABLE', () => {
    expect(properties.KeySchema).toEqual(keySchema(MAIN_TABLE.partitionKey, MAIN_TABLE.sortKey));
  });

  it('has every global index of MAIN_TABLE, all attributes projected', () => {
    expect(properties.GlobalSecondaryIndexes).toEqual(
      MAIN_TABLE.globalIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: keySchema(index.partitionKey, index.sortKey),
        Projection: { ProjectionType: 'ALL' },
      })),
    );
  });

  it('defines each key attribute once, with its type', () => {
    const attributes = [
      MAIN_TABLE.partitionKey,
      MAIN_TABLE.sortKey,
      ...MAIN_TABLE.globalIndexes.flatMap((i) => [i.partitionKey, i.sortKey]),
    ];
    expect(properties.AttributeDefinitions).toEqual(
      [...new Map(attributes.map((a) => [a.name, a])).values()].map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
    );
  });

  it('expires items by the TTL attribute of MAIN_TABLE', () => {
    expect(properties.TimeToLiveSpecification).toEqual({ AttributeName: MAIN_TABLE.timeToLiveAttribute, Enabled: true });
  });

  it('leaves its name to CloudFormation', () => {
    expect(properties).not.toHaveProperty('TableName');
  });

  it('is on-demand, encrypted, point-in-time recoverable, deletion protected and retained', () => {
    build().hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        Replicas: [
          Match.objectLike({
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          }),
        ],
      }),
    });
  });
});
