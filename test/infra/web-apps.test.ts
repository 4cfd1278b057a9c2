// The bucket, the behaviours and the headers of WebApps; web-apps-deployments.test.ts has the uploads and config.json.
import { describe, expect, it } from 'vitest';
import { WEB_REQUEST_SOURCE } from '../../infra/cloudfront/web-request';
import { WEB_PATH_PATTERNS } from '../../infra/constructs/web-apps';
import { logicalIdOf, synthesize } from './synth';
import { type CfnResource, resourcesOf, resourcesOfType } from './template-helpers';

const synth = synthesize();
const resources = resourcesOf(synth.template);
const webApps = synth.stack.webApps;
const bucketId = logicalIdOf(webApps.bucket);
const distributionConfig = resources[logicalIdOf(synth.stack.distribution)]?.Properties?.DistributionConfig as {
  CacheBehaviors: Record<string, unknown>[];
  Origins: Record<string, unknown>[];
};
const behaviorsOf = (patterns: readonly string[]) =>
  distributionConfig.CacheBehaviors.filter((behavior) => patterns.includes(behavior.PathPattern as string));
const webOrigin = distributionConfig.Origins.find((origin) => origin.S3OriginConfig !== undefined);
/** The buckets whose presigned links the console opens from the page. */
const bucketsOfFiles = {
  labels: synth.stack.node.findChild('IssuanceJobs').node.findChild('Labels'),
  exports: synth.stack.node.findChild('AuditExports').node.findChild('Exports'),
  photos: synth.stack.reportStorage.photos,
};

describe('WebApps: the bucket', () => {
  it('is private, encrypted, TLS only, retained, with its access logged', () => {
    expect(resources[bucketId]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LoggingConfiguration: {
          DestinationBucketName: { Ref: logicalIdOf(synth.stack.reportStorage.accessLogs) },
          LogFilePrefix: 'web-apps/',
        },
      },
    });
    expect(resources[bucketId]?.Properties).not.toHaveProperty('WebsiteConfiguration');
  });

  it('lets only this distribution read objects, through origin access control (no origin access identity)', () => {
    const [[, policy] = ['', {} as CfnResource]] = resourcesOfType(synth.template, 'AWS::S3::BucketPolicy').filter(
      ([, p]) => (p.Properties?.Bucket as { Ref?: string }).Ref === bucketId,
    );
    const statements = (policy.Properties?.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
    expect(statements.filter((s) => s.Effect === 'Allow')).toEqual([
      expect.objectContaining({
        Action: 's3:GetObject',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Condition: {
          StringEquals: {
            'AWS:SourceArn': {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':cloudfront::',
                  { Ref: 'AWS::AccountId' },
                  ':distribution/',
                  { Ref: logicalIdOf(synth.stack.distribution) },
                ],
              ],
            },
          },
        },
      }),
    ]);
    expect(statements.filter((s) => s.Effect === 'Deny').map((s) => s.Condition)).toEqual([
      { Bool: { 'aws:SecureTransport': 'false' } },
      { NumericLessThan: { 's3:TlsVersion': 1.2 } },
    ]);
    expect(resourcesOfType(synth.template, 'AWS::CloudFront::CloudFrontOriginAccessIdentity')).toEqual([]);
    const [[oacId, oac] = ['', {} as CfnResource]] = resourcesOfType(synth.template, 'AWS::CloudFront::OriginAccessControl');
    expect(oac.Properties?.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    expect(webOrigin).toMatchObject({
      DomainName: { 'Fn::GetAtt': [bucketId, 'RegionalDomainName'] },
      OriginAccessControlId: { 'Fn::GetAtt': [oacId, 'Id'] },
      S3OriginConfig: { OriginAccessIdentity: '' },
    });
  });
});

describe('WebApps: the behaviours', () => {
  it('serves /console/*, /console and /scan* from the bucket, GET and HEAD over HTTPS, with the rewrite function', () => {
    const behaviors = behaviorsOf(WEB_PATH_PATTERNS);
    expect(behaviors.map((b) => b.PathPattern)).toEqual([...WEB_PATH_PATTERNS]);
    for (const behavior of behaviors) {
      expect(behavior, behavior.PathPattern as string).toMatchObject({
        TargetOriginId: webOrigin?.Id,
        AllowedMethods: ['GET', 'HEAD'],
        ViewerProtocolPolicy: 'redirect-to-https',
        Compress: true,
        FunctionAssociations: [
          { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [logicalIdOf(webApps.viewerRequest), 'FunctionARN'] } },
        ],
      });
      // No origin request policy: no viewer header, cookie or query reaches S3.
      expect(behavior.OriginRequestPolicyId, behavior.PathPattern as string).toBeUndefined();
    }
    expect(resources[logicalIdOf(webApps.viewerRequest)]?.Properties).toMatchObject({
      FunctionCode: WEB_REQUEST_SOURCE,
      FunctionConfig: { Runtime: 'cloudfront-js-2.0' },
    });
  });

  it('sends the strict CSP and security headers on every web-app response, and only there', () => {
    const policyRef = { Ref: logicalIdOf(webApps.responseHeadersPolicy) };
    for (const behavior of behaviorsOf(WEB_PATH_PATTERNS)) expect(behavior.ResponseHeadersPolicyId).toEqual(policyRef);
    const others = distributionConfig.CacheBehaviors.filter(
      (b) => !(WEB_PATH_PATTERNS as readonly unknown[]).includes(b.PathPattern),
    );
    for (const behavior of others) expect(behavior.ResponseHeadersPolicyId).not.toEqual(policyRef);

    const config = resources[logicalIdOf(webApps.responseHeadersPolicy)]?.Properties?.ResponseHeadersPolicyConfig as {
      SecurityHeadersConfig: Record<string, unknown> & { ContentSecurityPolicy: { ContentSecurityPolicy: unknown } };
      CustomHeadersConfig: unknown;
    };
    const csp = synth.stack.resolve(config.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy) as {
      'Fn::Join': [string, unknown[]];
    };
    // The deploy-time parts (region, URL suffix, the pool's domain) shown by name.
    const text = csp['Fn::Join'][1]
      .map((part) => {
        if (typeof part === 'string') return part;
        const { Ref, 'Fn::GetAtt': getAtt } = part as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
        return `{${Ref ?? getAtt?.join('.')}}`;
      })
      .join('');
    const domain = `https://{${logicalIdOf(synth.stack.userPool.node.findChild('Domain'))}}.auth.{AWS::Region}.amazoncognito.com`;
    const bucketOrigin = (bucket: Parameters<typeof logicalIdOf>[0]) => `https://{${logicalIdOf(bucket)}.RegionalDomainName}`;
    const labels = bucketOrigin(bucketsOfFiles.labels);
    const exportsBucket = bucketOrigin(bucketsOfFiles.exports);
    const photos = bucketOrigin(bucketsOfFiles.photos);
    expect(text.split('; ')).toEqual([
      "default-src 'self'",
      "script-src 'self' 'wasm-unsafe-eval'",
      "style-src 'self' 'unsafe-inline'",
      `img-src 'self' data: blob: ${photos}`,
      "font-src 'self'",
      `connect-src 'self' https://cognito-idp.{AWS::Region}.{AWS::URLSuffix} ${domain} ${labels} ${exportsBucket}`,
      "worker-src 'self'",
      "manifest-src 'self'",
      "media-src 'self' blob:",
      "object-src 'none'",
      "frame-ancestors 'none'",
      "base-uri 'self'",
      `form-action 'self' ${domain}`,
    ]);
    expect(config.SecurityHeadersConfig).toMatchObject({
      ContentSecurityPolicy: { Override: true },
      StrictTransportSecurity: { AccessControlMaxAgeSec: 63_072_000, IncludeSubdomains: true, Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true },
    });
    expect(config.CustomHeadersConfig).toEqual({
      Items: [{ Header: 'Permissions-Policy', Value: 'camera=(self)', Override: true }],
    });
  });
});

describe('WebApps: presigned files opened from the page', () => {
  it("lets only the apps' origin read label and export files across origins (GET, HEAD, ranges); no other bucket answers CORS", () => {
    const corsOf = (bucket: Parameters<typeof logicalIdOf>[0]) =>
      synth.stack.resolve(resources[logicalIdOf(bucket)]?.Properties?.CorsConfiguration) as unknown;
    for (const bucket of [bucketsOfFiles.labels, bucketsOfFiles.exports]) {
      expect(corsOf(bucket)).toEqual({
        CorsRules: [
          {
            AllowedOrigins: ['*'],
            AllowedMethods: ['GET', 'HEAD'],
            AllowedHeaders: ['range'],
            ExposedHeaders: ['content-length', 'content-range', 'accept-ranges', 'etag'],
            MaxAge: 3600,
          },
        ],
      });
    }
    const withCors = resourcesOfType(synth.template, 'AWS::S3::Bucket').filter(
      ([, resource]: [string, CfnResource]) => resource.Properties?.CorsConfiguration !== undefined,
    );
    expect(withCors.map(([id]: [string, CfnResource]) => id).sort()).toEqual(
      [logicalIdOf(bucketsOfFiles.labels), logicalIdOf(bucketsOfFiles.exports)].sort(),
    );
  });
});
