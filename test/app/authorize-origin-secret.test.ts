import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ORIGIN_VERIFY_HEADER } from '#shared/app/authorizer';
import { ROUTES } from '#shared/app/routes';
import { handler } from '../../functions/authorize-request/handler';

/**
 * functions/authorize-request reads the origin-verify secret CloudFront sends: its current value and,
 * after a change, the previous one. How that read fails decides who gets in, so each way is
 * pinned here: a secret never changed, an empty one, a failed read (not remembered for the
 * five minutes a good one is), and a configuration naming both sources or neither.
 */
const secrets = mockClient(SecretsManagerClient);
const ENV_KEYS = ['TOKEN_ISSUER', 'TOKEN_JWKS_URL', 'ORIGIN_VERIFY_SECRET_ID', 'ORIGIN_VERIFY_VALUE'];
afterEach(() => {
  secrets.reset();
  for (const key of ENV_KEYS) delete process.env[key];
});
afterAll(() => secrets.restore());

let secretsMade = 0;
/** Each test its own secret id, so no answer the handler keeps for its container leaks between tests. */
const configure = (env: { secret?: boolean; localValue?: string } = { secret: true }): string => {
  const secretId = `arn:aws:secretsmanager:eu-central-1:123456789012:secret:origin-${++secretsMade}`;
  Object.assign(process.env, {
    TOKEN_ISSUER: 'https://issuer.example',
    // Never fetched: the verify route is public, so no token is checked.
    TOKEN_JWKS_URL: 'http://127.0.0.1:9/jwks.json',
    ...(env.secret === true ? { ORIGIN_VERIFY_SECRET_ID: secretId } : {}),
    ...(env.localValue === undefined ? {} : { ORIGIN_VERIFY_VALUE: env.localValue }),
  });
  return secretId;
};

const stage = (secretId: string, VersionStage: 'AWSCURRENT' | 'AWSPREVIOUS') =>
  secrets.on(GetSecretValueCommand, { SecretId: secretId, VersionStage });
const neverChanged = () => new ResourceNotFoundException({ message: 'no AWSPREVIOUS version', $metadata: {} });

/** A public verify request as API Gateway hands it to the authorizer, with the header CloudFront adds. */
const fromCdn = (origin: string): APIGatewayRequestAuthorizerEventV2 =>
  ({
    routeKey: `${ROUTES.verifyCode.method} ${ROUTES.verifyCode.path}`,
    headers: { [ORIGIN_VERIFY_HEADER]: origin },
  }) as unknown as APIGatewayRequestAuthorizerEventV2;
const admitted = async (origin: string) => (await handler(fromCdn(origin))).isAuthorized;

describe('functions/authorize-request: the origin-verify secret', () => {
  it('a secret never changed has no previous version: only its current value gets in', async () => {
    const id = configure();
    stage(id, 'AWSCURRENT').resolves({ SecretString: 'current-value' });
    stage(id, 'AWSPREVIOUS').rejects(neverChanged());
    expect(await admitted('current-value')).toBe(true);
    expect(await admitted('previous-value')).toBe(false);
  });

  it('an empty secret lets nobody in, and the failed read is not kept: the next request reads it again', async () => {
    const id = configure();
    stage(id, 'AWSCURRENT').resolvesOnce({ SecretString: '' }).resolves({ SecretString: 'current-value' });
    stage(id, 'AWSPREVIOUS').rejects(neverChanged());
    await expect(handler(fromCdn(''))).rejects.toThrow('The origin-verify secret is empty');
    expect(await admitted('current-value')).toBe(true);
  });

  it('an empty previous version is no value at all: an empty header does not match it', async () => {
    const id = configure();
    stage(id, 'AWSCURRENT').resolves({ SecretString: 'current-value' });
    stage(id, 'AWSPREVIOUS').resolves({ SecretString: '' });
    expect(await admitted('')).toBe(false);
    expect(await admitted('current-value')).toBe(true);
  });

  it('any other failure to read the previous version fails the request instead of dropping that version', async () => {
    const id = configure();
    stage(id, 'AWSCURRENT').resolves({ SecretString: 'current-value' });
    stage(id, 'AWSPREVIOUS').rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }));
    await expect(handler(fromCdn('current-value'))).rejects.toThrow('not allowed');
  });

  it('a missing current version is a failure too, never a missing previous one', async () => {
    const id = configure();
    stage(id, 'AWSCURRENT').rejects(neverChanged());
    stage(id, 'AWSPREVIOUS').resolves({ SecretString: 'previous-value' });
    await expect(handler(fromCdn('previous-value'))).rejects.toThrow('no AWSPREVIOUS version');
  });

  it('the local runtime’s value stands in for the secret when no secret is named', async () => {
    configure({ localValue: 'local-value' });
    expect(await admitted('local-value')).toBe(true);
    expect(await admitted('current-value')).toBe(false);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it.each([
    ['both a secret and a local value', { secret: true, localValue: 'local-value' }],
    ['neither', { secret: false }],
  ])('refuses to start with %s', async (_, env) => {
    configure(env);
    // Thrown or rejected, the Lambda fails either way: the test takes both.
    await expect(Promise.resolve().then(() => handler(fromCdn('local-value')))).rejects.toThrow(
      'Set exactly one of ORIGIN_VERIFY_SECRET_ID and ORIGIN_VERIFY_VALUE',
    );
  });
});
