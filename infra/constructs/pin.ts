import { createHash } from 'node:crypto';
import { type CfnResource, Stack } from 'aws-cdk-lib';
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

/** Construct ids from the stack (exclusive) down to `construct` (inclusive); [] for the stack itself. */
export const pathInStack = (construct: IConstruct): string[] => {
  const scopes = construct.node.scopes;
  return scopes.slice(scopes.indexOf(Stack.of(construct)) + 1).map((scope) => scope.node.id);
};

/**
 * The logical id CDK gives a resource at `path` (construct ids below its stack), computed
 * the way CDK does (`makeUniqueId`, which aws-cdk-lib does not export): `Default` is left
 * out, `Resource` is kept out of the readable part but hashed, and a single component is
 * used as is. A construct that moves can then keep the id it had at its old path;
 * test/infra/pin.test.ts checks this against CDK itself.
 */
export const logicalIdAt = (path: readonly string[]): string => {
  const components = path.filter((id) => id !== 'Default');
  const alphanumeric = (id: string): string => id.replace(/[^A-Za-z0-9]/g, '');
  const [only] = components;
  if (only === undefined) throw new Error('logicalIdAt: empty path');
  if (components.length === 1 && alphanumeric(only).length <= 255) return alphanumeric(only);
  const hash = createHash('md5').update(components.join('/')).digest('hex').slice(0, 8).toUpperCase();
  const readable: string[] = [];
  for (const id of components) {
    // CDK drops a component that the previous one ends with (`Bucket/Bucket` reads `Bucket`).
    const previous = readable[readable.length - 1];
    if (previous === undefined || !previous.endsWith(id)) readable.push(id);
  }
  return (
    readable
      .filter((id) => id !== 'Resource')
      .map(alphanumeric)
      .join('')
      .slice(0, 240) + hash
  );
};
