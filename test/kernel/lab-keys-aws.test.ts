import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { CompactSign } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '#kernel/canonical-json';
import { MAIN_TABLE } from '#kernel/db/table-definitions';
import { privateKeyFromPem } from '#kernel/keys/key-material';
import { createLabKey, LAB_REPORT_JWS_TYPE, signLabClaims, verifiedLabClaims } from '#kernel/keys/lab-keys';
import type { LabReportClaims } from '#shared/test-reports/domain/test-reports';
import { ensureTable } from '../../scripts/local/tables';

/**
 * A lab's signing key in AWS, with Secrets Manager mocked and the public halves in DynamoDB
 * Local: the private half goes to a secret of its own under the customer-managed key, a lab
 * without one signs nothing, and only a JWS its own key made, of the right type, naming that
 * lab, proves a registration. The local-disk store is exercised by test/test-reports/lab-reports.
 */
const secrets = mockClient(SecretsManagerClient);
const PREFIX = 'traceseal/lab-keys/';
const stored = new Map<string, string>();

beforeAll(async () => {
  await ensureTable(new DynamoDBClient({}), MAIN_TABLE, process.env.TABLE_NAME ?? '');
});
afterEach(() => {
  secrets.reset();
  stored.clear();
  delete process.env.LAB_KEY_SECRET_PREFIX;
  delete process.env.LAB_KEY_KMS_KEY_ID;
});
afterAll(() => secrets.restore());

/** Secrets Manager as far as lab keys use it: create once, read back. */
const secretsManager = (kmsKeyId?: string) => {
  process.env.LAB_KEY_SECRET_PREFIX = PREFIX;
  if (kmsKeyId !== undefined) process.env.LAB_KEY_KMS_KEY_ID = kmsKeyId;
  secrets.on(CreateSecretCommand).callsFake((input: { Name: string; SecretString: string }) => {
    stored.set(input.Name, input.SecretString);
    return {};
  });
  secrets.on(GetSecretValueCommand).callsFake((input: { SecretId: string }) => ({ SecretString: stored.get(input.SecretId) }));
};

const claimsOf = (labOrgId: string): LabReportClaims =>
  ({ labOrgId, number: 'R-1', product: { gtin: '06952012345676' } }) as LabReportClaims;

describe('a lab key kept in Secrets Manager', () => {
  it('puts the private half in a secret of the lab’s own, encrypted with the customer-managed key', async () => {
    secretsManager('arn:aws:kms:eu-central-1:123456789012:key/lab-keys');
    const lab = randomUUID();
    const kid = await createLabKey(lab);
    const input = secrets.commandCalls(CreateSecretCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ Name: `${PREFIX}${lab}`, KmsKeyId: 'arn:aws:kms:eu-central-1:123456789012:key/lab-keys' });
    expect(JSON.parse(input?.SecretString ?? '{}')).toMatchObject({ kid, privateKeyPem: expect.stringContaining('PRIVATE KEY') });
  });

  it('without a key id of its own, Secrets Manager’s default key encrypts it', async () => {
    secretsManager();
    await createLabKey(randomUUID());
    expect(secrets.commandCalls(CreateSecretCommand)[0]?.args[0].input).not.toHaveProperty('KmsKeyId');
  });

  it('signs the lab’s claims with that secret, and the signature proves them', async () => {
    secretsManager();
    const lab = randomUUID();
    const kid = await createLabKey(lab);
    const signed = await signLabClaims(claimsOf(lab));
    expect(signed.kid).toBe(kid);
    expect(await verifiedLabClaims(signed.jws, lab)).toEqual(claimsOf(lab));
  });

  it.each([
    ['no secret', undefined],
    ['a secret without a key', JSON.stringify({ kid: 'lab-x-1' })],
  ])('a lab with %s signs nothing (NO_LAB_KEY, 503)', async (_, secret) => {
    secretsManager();
    const lab = randomUUID();
    if (secret !== undefined) stored.set(`${PREFIX}${lab}`, secret);
    await expect(signLabClaims(claimsOf(lab))).rejects.toMatchObject({ statusCode: 503, code: 'NO_LAB_KEY' });
  });
});

describe('what a lab’s key proves', () => {
  /** A JWS made with the lab's own private key, as anyone holding it could make one. */
  const signedWith = async (lab: string, claims: LabReportClaims, header: { typ: string }) => {
    const secret = JSON.parse(stored.get(`${PREFIX}${lab}`) ?? '{}') as { kid: string; privateKeyPem: string };
    return new CompactSign(new TextEncoder().encode(canonicalJson(claims)))
      .setProtectedHeader({ alg: 'ES256', kid: secret.kid, ...header })
      .sign(privateKeyFromPem(secret.privateKeyPem));
  };

  it('not a JWS of another type, even by the lab’s key', async () => {
    secretsManager();
    const lab = randomUUID();
    await createLabKey(lab);
    expect(await verifiedLabClaims(await signedWith(lab, claimsOf(lab), { typ: 'JWT' }), lab)).toBeUndefined();
  });

  it('not claims naming another lab, even by the lab’s key', async () => {
    secretsManager();
    const lab = randomUUID();
    await createLabKey(lab);
    const jws = await signedWith(lab, claimsOf(randomUUID()), { typ: LAB_REPORT_JWS_TYPE });
    expect(await verifiedLabClaims(jws, lab)).toBeUndefined();
  });

  it('not a registration signed by another lab', async () => {
    secretsManager();
    const [lab, other] = [randomUUID(), randomUUID()];
    await createLabKey(lab);
    await createLabKey(other);
    const { jws } = await signLabClaims(claimsOf(other));
    expect(await verifiedLabClaims(jws, lab)).toBeUndefined();
  });
});
