import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '#kernel/db/dynamodb-client';
import { forgetPublicKeys } from '#kernel/keys/public-key-cache';
import { JWKS_READ_KEYS, VERIFY_READ_KEYS } from '../../infra/constructs/table-access';
import { custodyEvent, issueContainer, issueUnits, postEvents } from '../support/custody';
import { factoryWithProduct } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/**
 * The stack lets verify-code and get-jwks read only items whose partition key matches
 * VERIFY_READ_KEYS / JWKS_READ_KEYS (IAM dynamodb:LeadingKeys). DynamoDB Local does not
 * enforce IAM, so this records the partition key of every read the real handlers make
 * through the local gateway and checks each against those patterns: a new read outside
 * them (which AWS would refuse with AccessDenied) fails here first.
 */
let service: TestService;
let adminToken: string;
const reads: string[] = [];
let recording = false;

const partitionKeysOf = (input: Record<string, unknown>): string[] => {
  const keys: unknown[] = [];
  if (input.Key !== undefined) keys.push(input.Key);
  for (const request of Object.values((input.RequestItems ?? {}) as Record<string, { Keys?: unknown[] }>))
    keys.push(...(request.Keys ?? []));
  const found = keys.map((key) => String((key as { pk?: unknown }).pk));
  if (typeof input.KeyConditionExpression === 'string') {
    if (input.IndexName !== undefined) found.push(`INDEX:${String(input.IndexName)}`);
    else found.push(String((input.ExpressionAttributeValues as Record<string, unknown> | undefined)?.[':pk']));
  }
  return found;
};

beforeAll(async () => {
  ({ service, adminToken } = await startTestServiceWithAdmin());
  documentClient.middlewareStack.add(
    (next) => async (args) => {
      if (recording) reads.push(...partitionKeysOf(args.input as Record<string, unknown>));
      return next(args);
    },
    { step: 'initialize', name: 'recordPartitionKeys' },
  );
});
afterAll(async () => {
  documentClient.middlewareStack.remove('recordPartitionKeys');
  await service?.stop();
});

const matches = (patterns: readonly string[]) => (key: string) =>
  patterns.some((pattern) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(key));

const readsDuring = async (action: () => Promise<unknown>): Promise<string[]> => {
  reads.length = 0;
  recording = true;
  try {
    await action();
  } finally {
    recording = false;
  }
  return [...reads];
};

describe('the public functions read only what their IAM policy allows', () => {
  it('verification of a packed, shipped, recalled unit and of its case stays within VERIFY_READ_KEYS', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const [unit = ''] = await issueUnits(service, factory.token, gtin, 'LP-1', 1);
    const container = await issueContainer(service, factory.token, 'case');
    expect(
      (await postEvents(service, factory.token, [custodyEvent('packing', { parent: container, children: [unit] })])).status,
    ).toBe(200);
    expect((await postEvents(service, factory.token, [custodyEvent('recall', { lot: { gtin, lot: 'LP-1' } })])).status).toBe(200);

    // HEAD: the same handler and reads as GET, but never logged as a scan, so the in-process
    // aggregator (which checks each scanned label and reads its own partitions) stays out of the window.
    const scan = async (uri: string) => {
      const url = new URL(uri);
      const res = await service.call('HEAD', `${url.pathname}${url.search}`, { headers: { accept: 'application/json' } });
      expect(res.status).toBe(200);
    };
    const verifyReads = await readsDuring(async () => {
      await scan(unit);
      await scan(container);
      // A forged code and an unknown key id.
      await scan(`${unit.slice(0, -10)}AAAAAAAAAA`);
    });
    // Products and organizations may come from the function's cache; lots and states are read fresh.
    for (const prefix of ['PRODUCT#', 'SUBJECT#'])
      expect(
        verifyReads.some((key) => key.startsWith(prefix)),
        prefix,
      ).toBe(true);
    expect(verifyReads.filter((key) => !matches(VERIFY_READ_KEYS)(key))).toEqual([]);
  });

  it('the JWKS reads only the signing key partition', async () => {
    // Read from the table, not from the key cache the verification above filled.
    forgetPublicKeys();
    const jwksReads = await readsDuring(async () =>
      expect((await service.call('GET', '/.well-known/jwks.json')).status).toBe(200),
    );
    expect(jwksReads).toContain('SIGNING_KEYS');
    expect(jwksReads.filter((key) => !matches(JWKS_READ_KEYS)(key))).toEqual([]);
    // The check itself: the reads of a verification would not pass the JWKS's narrower policy.
    expect(
      ['PRODUCT#06952012345683', 'SUBJECT#00/306141410000000006'].filter((key) => !matches(JWKS_READ_KEYS)(key)),
    ).toHaveLength(2);
  });
});
