import type { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Keeps a stateful resource under the logical id it was first deployed with, wherever its
 * construct now lives. CloudFormation identifies resources by logical id: a retained
 * resource whose id changes is orphaned (still billed, no longer managed) and a new, empty
 * one is created beside it. test/infra/stateful-ids.test.ts holds the list.
 */
export const pinLogicalId = (construct: IConstruct, logicalId: string): void => {
  const resource = construct.node.defaultChild as CfnResource | undefined;
  if (resource === undefined) throw new Error(`${construct.node.path} has no CloudFormation resource to pin`);
  resource.overrideLogicalId(logicalId);
};
