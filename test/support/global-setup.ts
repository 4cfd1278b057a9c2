import type { TestProject } from 'vitest/node';
import { buildWeb } from '../../scripts/dev/build-web';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../scripts/local/dynamodb-local';

/**
 * One in-memory DynamoDB Local for the whole run, on a free port, in its own process
 * group; teardown kills the group so no java outlives the tests. Each test file gets a
 * table of its own (see setup-env.ts), so files never see each other's data.
 */
let dynamo: DynamoDbLocal | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The browser tests open the apps as built; a build older than their sources is redone.
  await buildWeb({ quiet: true });
  dynamo = await startDynamoDbLocal();
  project.provide('dynamoEndpoint', dynamo.endpoint);
  const stop = async () => {
    await dynamo?.stop();
  };
  process.once('exit', () => {
    try {
      if (dynamo !== undefined) process.kill(-dynamo.pid, 'SIGKILL');
    } catch {
      // already stopped
    }
  });
  return stop;
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}
