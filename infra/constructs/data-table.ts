import { RemovalPolicy } from 'aws-cdk-lib';
import { type Attribute, AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { type KeyAttribute, MAIN_TABLE, type TableDefinition } from '#kernel/db/table-definitions';
import { pinLogicalId } from './pin';

export interface DataTableProps {
  /**
   * Keys, indexes, TTL attribute and logical id; the local runtime builds its table from
   * the same definition.
   * @default MAIN_TABLE
   */
  readonly definition?: TableDefinition;
}

const toAttribute = (key: KeyAttribute): Attribute => ({
  name: key.name,
  type: key.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER,
});

/**
 * The single DynamoDB table, built from its definition in shared/kernel/db/table-definitions.ts:
 * on-demand, point-in-time recoverable, deletion protected and retained. Functions get
 * access through `TraceSealFunction.grantTable` (table-access.ts), never through TableV2's
 * own grants, which include Scan and DescribeTable.
 */
export class DataTable extends TableV2 {
  public readonly definition: TableDefinition;

  public constructor(scope: Construct, id: string, props: DataTableProps = {}) {
    const definition = props.definition ?? MAIN_TABLE;
    super(scope, id, {
      partitionKey: toAttribute(definition.partitionKey),
      sortKey: toAttribute(definition.sortKey),
      globalSecondaryIndexes: definition.globalIndexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: toAttribute(index.partitionKey),
        sortKey: toAttribute(index.sortKey),
      })),
      timeToLiveAttribute: definition.timeToLiveAttribute,
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // The AWS managed key (aws/dynamodb): encrypted at rest, every use of the key in
      // CloudTrail, no key to pay for or to keep in step with grants. The table does hold
      // secrets (each product's serial HMAC key), but every function that reads a product
      // needs that key (verify-code decodes serials with it), so a customer managed key's
      // policy could not narrow access below what IAM on the table already allows. The
      // ES256 private keys are not in this table: they have their own key (SigningKey).
      encryption: TableEncryptionV2.awsManagedKey(),
    });
    this.definition = definition;
    // The logical id the definition names, wherever this construct lives: a new id would
    // replace the table (and orphan the retained one with all the data).
    pinLogicalId(this, definition.logicalId);
  }
}
