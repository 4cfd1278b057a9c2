import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { withCheckDigit } from '#kernel/codes/gtin';
import { signCode } from '#kernel/codes/signature';
import { generateSigningKey, privateKeyFromPem } from '#kernel/keys/key-material';
import { forgetPublicKeys } from '#kernel/keys/public-key-cache';
import { ROUTES } from '#shared/app/routes';
import { apiEvent, invoke } from '../support/events';

/**
 * Error paths of the handlers with DynamoDB mocked: this is where a mock is the point.
 * That the system works is proven against DynamoDB Local in the integration tests of each capability (test/<capability>/).
 */
process.env.VERIFY_BASE_URL = 'https://verify.test';
const dynamo = mockClient(DynamoDBDocumentClient);
const { handler: createProduct } = await import('../../functions/create-product/handler');
const { handler: createOrg } = await import('../../functions/create-org/handler');
const { handler: verifyCode } = await import('../../functions/verify-code/handler');

const gtin = withCheckDigit('0695201234567');
const product = {
  gtin,
  name: 'Half mask respirator',
  category: 'respirator',
  standard: 'GB 2626-2019',
  laCertificate: { number: 'LA-9', validUntil: '2030-01-01' },
  serviceLifeMonths: 36,
};
const asFactory = { orgId: '11111111-1111-4111-8111-111111111111', role: 'factory' as const };

beforeEach(() => {
  dynamo.reset();
  forgetPublicKeys();
});
afterAll(() => dynamo.restore());

describe('request validation and authorization', () => {
  it('401 without claims, 403 for the wrong role, before reading the body', async () => {
    const anonymous = await invoke(createProduct, apiEvent(ROUTES.createProduct, { rawBody: '{nope' }));
    expect(anonymous.statusCode).toBe(401);
    const distributor = await invoke(
      createProduct,
      apiEvent(ROUTES.createProduct, { body: product, as: { orgId: asFactory.orgId, role: 'distributor' } }),
    );
    expect(distributor.statusCode).toBe(403);
    expect(distributor.body.error?.code).toBe('ROLE_NOT_ALLOWED');
    expect(dynamo.calls()).toHaveLength(0);
  });

  it.each([
    ['malformed JSON', { rawBody: '{"gtin":' }, 400, 'MALFORMED_JSON'],
    ['no body', {}, 400, 'MISSING_BODY'],
    ['wrong content type', { rawBody: 'gtin=1', headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['oversized body', { body: { ...product, name: 'x'.repeat(70_000) } }, 413, 'PAYLOAD_TOO_LARGE'],
    ['wrong types', { body: { ...product, serviceLifeMonths: 'ten' } }, 400, 'VALIDATION_FAILED'],
    ['bad check digit', { body: { ...product, gtin: '06952012345670' } }, 400, 'VALIDATION_FAILED'],
    ['unknown field', { body: { ...product, colour: 'red' } }, 400, 'VALIDATION_FAILED'],
  ])('%s → %i %s, and nothing is written', async (_name, options, status, code) => {
    const res = await invoke(createProduct, apiEvent(ROUTES.createProduct, { ...options, as: asFactory }));
    expect(res.statusCode).toBe(status);
    expect(res.body.error?.code).toBe(code);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('names the offending field', async () => {
    const res = await invoke(
      createProduct,
      apiEvent(ROUTES.createProduct, { body: { ...product, laCertificate: { number: 'x' } }, as: asFactory }),
    );
    expect(res.body.error?.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'laCertificate.validUntil' })]),
    );
  });
});

describe('failures of our own', () => {
  it('a DynamoDB failure is a 500 whose message leaks nothing', async () => {
    dynamo.on(GetCommand).rejects(new Error('ProvisionedThroughputExceeded on arn:aws:dynamodb:secret-table'));
    const res = await invoke(createProduct, apiEvent(ROUTES.createProduct, { body: product, as: asFactory }));
    expect(res.statusCode).toBe(500);
    expect(res.body).toEqual({ error: { code: 'INTERNAL', message: 'Internal server error' } });
  });

  it('a failed organization write is a 500 too, and a condition failure a 409', async () => {
    const body = { name: 'Org', role: 'distributor', region: 'CN-SH Shanghai', licenseNumber: 'LIC-12345' };
    const admin = { orgId: 'ops', role: 'admin' as const };
    dynamo.onAnyCommand().rejects(new Error('socket hang up'));
    expect((await invoke(createOrg, apiEvent(ROUTES.createOrganization, { body, as: admin }))).statusCode).toBe(500);
    dynamo.reset();
    const cancelled = Object.assign(new Error('Transaction cancelled [ConditionalCheckFailed, None]'), {
      name: 'TransactionCanceledException',
    });
    dynamo.onAnyCommand().rejects(cancelled);
    const conflict = await invoke(createOrg, apiEvent(ROUTES.createOrganization, { body, as: admin }));
    expect(conflict.statusCode).toBe(409);
    expect(conflict.body.error?.code).toBe('LICENSE_EXISTS');
  });
});

describe('the verify hot path', () => {
  it('rejects a forged code by its signature with no database read once keys are loaded', async () => {
    const genuineKey = generateSigningKey();
    dynamo.on(QueryCommand).resolves({ Items: [{ jwk: genuineKey.jwk, createdAt: '2026-01-01T00:00:00.000Z' }] });
    const forger = generateSigningKey(new Set([genuineKey.kid]));
    const code = { gtin, lot: 'L1', serial: 'ABCDEFGHJK012345' };
    // Signed by another key but claiming the genuine key id.
    const forged =
      genuineKey.kid + signCode({ kid: forger.kid, privateKey: privateKeyFromPem(forger.privateKeyPem) }, code).slice(4);
    const event = apiEvent(ROUTES.verifyCode, {
      pathParameters: code,
      query: { '8030': forged },
      headers: { accept: 'application/json' },
    });

    const first = await invoke(verifyCode, event); // loads the key set once
    expect(first.body.status).toBe('invalid');
    const readsAfterWarmUp = dynamo.calls().length;
    const second = await invoke(verifyCode, event);
    expect(second.statusCode).toBe(200);
    expect(second.body.status).toBe('invalid');
    expect(second.headers['cache-control']).toContain('s-maxage=86400');
    expect(dynamo.calls().length).toBe(readsAfterWarmUp);
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(BatchGetCommand)).toHaveLength(0);
  });

  it('caches an unknown key id only briefly: it may be a key a rotation just published', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    const fresh = generateSigningKey();
    const code = { gtin, lot: 'L1', serial: 'ABCDEFGHJK012345' };
    const digsig = signCode({ kid: fresh.kid, privateKey: privateKeyFromPem(fresh.privateKeyPem) }, code);
    const res = await invoke(
      verifyCode,
      apiEvent(ROUTES.verifyCode, { pathParameters: code, query: { '8030': digsig }, headers: { accept: 'application/json' } }),
    );
    expect(res.body).toMatchObject({ status: 'invalid', invalidReason: 'unknown_key' });
    expect(res.headers['cache-control']).toContain('s-maxage=60');
  });
});
