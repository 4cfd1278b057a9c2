import { describe, expect, it } from 'vitest';
import { ABSENT_AUTHORIZATION } from '#shared/app/authorizer';
import { API_REQUEST_SOURCE } from '../../infra/cloudfront/api-request';
import { VERIFY_REQUEST_SOURCE } from '../../infra/cloudfront/verify-request';
import { UNCACHED_ERROR_CODES, VERIFY_PATH_PATTERNS } from '../../infra/constructs/verification-cdn';
import { WEB_PATH_PATTERNS } from '../../infra/constructs/web-apps';
import { TraceSealStack } from '../../infra/traceseal-stack';
import { inspect, logicalIdOf, nagReport, newApp, type Synthesized, synthesize } from './synth';
import { resourcesOfType } from './template-helpers';

// CloudFront's managed policies, by their fixed ids.
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';
const CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';
const WEB_ACL_ARN = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/traceseal/abcd';

type Behavior = Record<string, unknown>;
const distributionConfig = (s: Synthesized) =>
  resourcesOfType(s.template, 'AWS::CloudFront::Distribution')[0]?.[1].Properties?.DistributionConfig as Record<
    string,
    unknown
  > & {
    DefaultCacheBehavior: Behavior;
    CacheBehaviors: Behavior[];
    Origins: Record<string, unknown>[];
  };

const synth = synthesize();
const config = distributionConfig(synth);
const [jwks = {}, verify = {}, containers = {}] = config.CacheBehaviors;
const make = (props: ConstructorParameters<typeof TraceSealStack>[2]) => () => new TraceSealStack(newApp(), 'Invalid', props);

describe('VerificationCdn', () => {
  it('caches only the public signing keys, the verification paths of units and of cases and pallets, and the web apps', () => {
    expect(config.CacheBehaviors.map((b) => b.PathPattern)).toEqual([
      '/.well-known/jwks.json',
      ...VERIFY_PATH_PATTERNS,
      ...WEB_PATH_PATTERNS,
    ]);
  });

  it('caches the JWKS the verify page checks against for as long as the origin says, keyed by path alone', () => {
    expect(jwks).toMatchObject({ AllowedMethods: ['GET', 'HEAD'], CachedMethods: ['GET', 'HEAD'], Compress: true });
    expect(jwks.FunctionAssociations).toBeUndefined();
    const policy = resourcesOfType(synth.template, 'AWS::CloudFront::CachePolicy').find(
      ([id]) => id === (jwks.CachePolicyId as { Ref?: string }).Ref,
    );
    const cacheConfig = policy?.[1].Properties?.CachePolicyConfig as Record<string, unknown>;
    expect(cacheConfig).toMatchObject({ MinTTL: 0, DefaultTTL: 0, MaxTTL: 86_400 });
    expect(cacheConfig.ParametersInCacheKeyAndForwardedToOrigin).toMatchObject({
      QueryStringsConfig: { QueryStringBehavior: 'none' },
      HeadersConfig: { HeaderBehavior: 'none' },
      CookiesConfig: { CookieBehavior: 'none' },
    });
  });

  it('treats both verification paths alike', () => {
    for (const key of [
      'CachePolicyId',
      'OriginRequestPolicyId',
      'FunctionAssociations',
      'AllowedMethods',
      'ViewerProtocolPolicy',
    ]) {
      expect(containers[key], key).toEqual(verify[key]);
    }
  });

  it('serves verification by GET and HEAD (OPTIONS only for the edge-answered CORS preflight), over HTTPS, compressed', () => {
    expect(verify).toMatchObject({
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS'],
      CachedMethods: ['GET', 'HEAD'],
      Compress: true,
      ViewerProtocolPolicy: 'redirect-to-https',
    });
  });

  it('keys the verification cache by path, AI 8030, linkType, the page language, Accept and Accept-Language, with TTLs the origin sets', () => {
    const policies = resourcesOfType(synth.template, 'AWS::CloudFront::CachePolicy');
    expect(policies.map(([id]) => ({ Ref: id }))).toEqual([verify.CachePolicyId, jwks.CachePolicyId]);
    const cacheConfig = policies[0]?.[1].Properties?.CachePolicyConfig as Record<string, unknown>;
    expect(cacheConfig).toMatchObject({ MinTTL: 0, DefaultTTL: 0, MaxTTL: 86_400 });
    expect(cacheConfig.ParametersInCacheKeyAndForwardedToOrigin).toEqual({
      QueryStringsConfig: { QueryStringBehavior: 'whitelist', QueryStrings: ['8030', 'linkType', 'lang'] },
      HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['Accept', 'Accept-Language'] },
      CookiesConfig: { CookieBehavior: 'none' },
      EnableAcceptEncodingGzip: true,
      EnableAcceptEncodingBrotli: true,
    });
  });

  it('forwards to the origin the verification cache key, nothing else: no viewer-location header', () => {
    expect(verify.OriginRequestPolicyId).toEqual({ Ref: logicalIdOf(synth.stack.cdn.verifyOriginRequestPolicy) });
    const policies = resourcesOfType(synth.template, 'AWS::CloudFront::OriginRequestPolicy');
    expect(policies.map(([id]) => id)).toEqual([logicalIdOf(synth.stack.cdn.verifyOriginRequestPolicy)]);
    expect(policies[0]?.[1].Properties?.OriginRequestPolicyConfig).toMatchObject({
      HeadersConfig: { HeaderBehavior: 'none' },
      QueryStringsConfig: { QueryStringBehavior: 'none' },
      CookiesConfig: { CookieBehavior: 'none' },
    });
  });

  it('runs the viewer-request function that keeps one raw AI 8030 on the verification paths', () => {
    const [[functionId, fn] = []] = resourcesOfType(synth.template, 'AWS::CloudFront::Function').filter(
      ([, resource]) => (resource.Properties?.FunctionCode as string) === VERIFY_REQUEST_SOURCE,
    );
    expect(fn?.Properties).toMatchObject({
      FunctionConfig: { Runtime: 'cloudfront-js-2.0' },
      FunctionCode: VERIFY_REQUEST_SOURCE,
    });
    expect(verify.FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [functionId, 'FunctionARN'] } },
    ]);
  });

  // API Gateway answers a request without Authorization with its own bare 401, never
  // calling the authorizer; the function makes it one the authorizer answers with its code.
  it('marks a missing Authorization header on the uncached behaviour, and passes any other through', () => {
    const functionId = logicalIdOf(synth.stack.cdn.apiViewerRequest);
    synth.template.hasResourceProperties('AWS::CloudFront::Function', {
      FunctionConfig: { Runtime: 'cloudfront-js-2.0' },
      FunctionCode: API_REQUEST_SOURCE,
    });
    expect(config.DefaultCacheBehavior.FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [functionId, 'FunctionARN'] } },
    ]);
    const handler = new Function(`${API_REQUEST_SOURCE}; return handler;`)() as (event: {
      request: { headers: Record<string, { value: string }> };
    }) => { headers: Record<string, { value: string }> };
    const authorizationOf = (headers: Record<string, { value: string }>) =>
      handler({ request: { headers } }).headers.authorization;
    expect(authorizationOf({})).toEqual({ value: ABSENT_AUTHORIZATION });
    expect(authorizationOf({ authorization: { value: ' ' } })).toEqual({ value: ABSENT_AUTHORIZATION });
    expect(authorizationOf({ authorization: { value: 'Bearer abc.def.ghi' } })).toEqual({ value: 'Bearer abc.def.ghi' });
  });

  it('never caches an error: 4xx and 5xx have an error-caching TTL of 0', () => {
    expect(config.CustomErrorResponses).toEqual(UNCACHED_ERROR_CODES.map((code) => ({ ErrorCode: code, ErrorCachingMinTTL: 0 })));
  });

  it('sends the origin-verify secret as an origin header, by dynamic reference, never as a literal', () => {
    const [origin] = config.Origins as { OriginCustomHeaders: unknown }[];
    expect(origin?.OriginCustomHeaders).toEqual([
      {
        HeaderName: 'x-origin-verify',
        HeaderValue: {
          'Fn::Join': [
            '',
            ['{{resolve:secretsmanager:', { Ref: logicalIdOf(synth.stack.originVerifySecret) }, ':SecretString:::}}'],
          ],
        },
      },
    ]);
    synth.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { ExcludePunctuation: true, PasswordLength: 48 },
    });
  });

  it('passes everything else through uncached, every method, without the viewer Host header', () => {
    expect(config.DefaultCacheBehavior).toMatchObject({
      CachePolicyId: CACHING_DISABLED,
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
      AllowedMethods: expect.arrayContaining(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']) as unknown,
      ViewerProtocolPolicy: 'redirect-to-https',
    });
  });

  it('reaches the HTTP API over HTTPS only, TLS 1.2 (the other origin is the web apps bucket, web-apps.test.ts)', () => {
    expect(config.Origins.filter((origin) => origin.S3OriginConfig === undefined)).toEqual([
      expect.objectContaining({
        DomainName: {
          'Fn::Join': [
            '',
            [{ Ref: logicalIdOf(synth.stack.api) }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }],
          ],
        },
        CustomOriginConfig: expect.objectContaining({
          OriginProtocolPolicy: 'https-only',
          OriginSSLProtocols: ['TLSv1.2'],
        }) as unknown,
      }),
    ]);
  });

  it('logs to a retained bucket', () => {
    expect(config.Logging).toMatchObject({
      Bucket: { 'Fn::GetAtt': [logicalIdOf(synth.stack.cdn.logBucket), 'RegionalDomainName'] },
    });
    synth.template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
  });
});

describe('VerificationCdn with a custom verification host', () => {
  const custom = synthesize({ verifyDomainName: 'verify.example.com', certificateArn: CERTIFICATE_ARN, webAclArn: WEB_ACL_ARN });

  it('serves the host with its certificate and TLS 1.2 (2021), behind the given web ACL', () => {
    expect(distributionConfig(custom)).toMatchObject({
      Aliases: ['verify.example.com'],
      ViewerCertificate: { MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
      WebACLId: WEB_ACL_ARN,
    });
  });

  it('prints that host in codes', () => {
    expect(inspect(custom).environmentOf('create-batch').VERIFY_BASE_URL).toBe('https://verify.example.com');
  });

  it('leaves cdk-nag nothing to acknowledge about TLS', () => {
    expect(nagReport(custom.stack).violations).toEqual([]);
  });

  it('refuses a host without a certificate', () => {
    expect(make({ verifyDomainName: 'verify.example.com' })).toThrow(/together/);
  });

  it('refuses a certificate outside us-east-1', () => {
    expect(
      make({ verifyDomainName: 'verify.example.com', certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/x' }),
    ).toThrow(/us-east-1/);
  });

  it('refuses a host name that is not a lower-case DNS name', () => {
    expect(make({ verifyDomainName: 'Verify.Example.com', certificateArn: CERTIFICATE_ARN })).toThrow(/lower-case host name/);
  });
});
