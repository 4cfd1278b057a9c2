import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Distribution } from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { UserPool, type UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import {
  HASHED_ASSET_FILTERS,
  IMMUTABLE_CACHE_CONTROL,
  REVALIDATED_CACHE_CONTROL,
  WEB_APPS,
  WebApps,
  type WebAppsProps,
} from '../../infra/constructs/web-apps';
import { logicalIdOf, nagReport, newStack, synthesize } from './synth';
import { type CfnResource, resourcesOf, resourcesOfType } from './template-helpers';
import { WEB_DIST_FILES } from './web-dist-fixture';

// How WebApps uploads the build and what it writes beside it; web-apps.test.ts has the
// bucket, the behaviours and the headers.
const synth = synthesize();
const resources = resourcesOf(synth.template);
const webApps = synth.stack.webApps;
const bucketId = logicalIdOf(webApps.bucket);

/** A deployment's custom resource, by its construct id under WebApps. */
const deploymentProps = (id: string): Record<string, unknown> & { id: string } => {
  const found = resourcesOfType(synth.template, 'Custom::CDKBucketDeployment').find(([logicalId]) =>
    logicalId.startsWith(`WebApps${id}CustomResource`),
  );
  if (found === undefined) throw new Error(`no deployment ${id}`);
  return { ...found[1].Properties, DependsOn: found[1].DependsOn, id: found[0] };
};
const assets = deploymentProps('HashedAssets');
const shell = deploymentProps('Shell');

/** Whether `aws s3 sync` with these filters takes a key: all by default, the last matching filter decides. */
const syncTakes = (key: string, props: Record<string, unknown>): boolean => {
  const matches = (glob: string) => new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(key);
  let taken = true;
  for (const glob of (props.Exclude as string[] | undefined) ?? []) if (matches(glob)) taken = false;
  for (const glob of (props.Include as string[] | undefined) ?? []) if (matches(glob)) taken = true;
  return taken;
};

/** `<app>/config.json` as the shell deployment writes it, each deploy-time value shown as `{{Ref id}}` or `{{id.Attribute}}`. */
const deployedConfig = (app: string, outdir: string, props: Record<string, unknown>): unknown => {
  const keys = props.SourceObjectKeys as string[];
  const markers = props.SourceMarkers as Record<string, { Ref?: string; 'Fn::GetAtt'?: [string, string] }>[];
  for (const [index, key] of keys.entries()) {
    const file = join(outdir, `asset.${key.replace(/\.zip$/, '')}`, app, 'config.json');
    if (!existsSync(file)) continue;
    let text = readFileSync(file, 'utf8');
    for (const [marker, value] of Object.entries(markers[index] ?? {})) {
      const shown = value.Ref !== undefined ? `{{Ref ${value.Ref}}}` : `{{${value['Fn::GetAtt']?.join('.')}}}`;
      text = text.replaceAll(marker, shown);
    }
    return JSON.parse(text);
  }
  throw new Error(`no ${app}/config.json in the shell deployment`);
};

describe('WebApps: the deployments', () => {
  const uploadedWith = (key: string): string[] =>
    [assets, shell]
      .filter((props) => syncTakes(key, props))
      .map((props) => (props.SystemMetadata as Record<string, string>)['cache-control'] ?? '');

  it('uploads each file of the build once: hashed assets immutable, every other file (index.html, sw.js, the manifest) no-cache', () => {
    expect(IMMUTABLE_CACHE_CONTROL).toBe('public, max-age=31536000, immutable');
    expect(REVALIDATED_CACHE_CONTROL).toBe('no-cache');
    for (const key of Object.keys(WEB_DIST_FILES)) {
      const hashed = HASHED_ASSET_FILTERS.some((filter) => key.startsWith(filter.replace('*', '')));
      expect(uploadedWith(key), key).toEqual([hashed ? IMMUTABLE_CACHE_CONTROL : REVALIDATED_CACHE_CONTROL]);
    }
    for (const app of WEB_APPS) expect(uploadedWith(`${app}/config.json`), app).toEqual([REVALIDATED_CACHE_CONTROL]);
  });

  it("keeps the previous build's hashed assets for open tabs, prunes the rest, and writes index.html only after the assets", () => {
    expect(assets.Prune).toBe(false);
    expect(shell.Prune).toBe(true);
    expect(shell.DependsOn).toContain(assets.id);
    for (const props of [assets, shell]) expect(props.DestinationBucketName).toEqual({ Ref: bucketId });
  });

  it("writes each app's config.json: same-origin API, the pool as issuer, Identity's console client", () => {
    const consoleClient = (synth.stack.identity as { readonly consoleClient?: UserPoolClient }).consoleClient;
    const clientId = consoleClient === undefined ? '' : `{{Ref ${logicalIdOf(consoleClient)}}}`;
    for (const app of WEB_APPS) {
      expect(deployedConfig(app, synth.app.outdir, shell), app).toEqual({
        apiBase: '',
        oidc: {
          authority: `https://{{${logicalIdOf(synth.stack.userPool)}.ProviderURL}}`,
          clientId,
          scope: 'openid profile email',
        },
      });
    }
  });

  it('runs the uploader with its own role (no managed policy) and log group, and leaves cdk-nag nothing unacknowledged', () => {
    const [[, handler] = ['', {} as CfnResource]] = resourcesOfType(synth.template, 'AWS::Lambda::Function').filter(([id]) =>
      id.startsWith('CustomCDKBucketDeployment'),
    );
    expect(handler.Properties).toMatchObject({
      Role: { 'Fn::GetAtt': [logicalIdOf(webApps.assetsDeployment.handlerRole), 'Arn'] },
      LoggingConfig: { LogGroup: { Ref: expect.stringMatching(/^WebAppsDeploymentLogs/) as unknown } },
    });
    expect(resources[logicalIdOf(webApps.assetsDeployment.handlerRole)]?.Properties).not.toHaveProperty('ManagedPolicyArns');
    const findings = nagReport(synth.stack).violations.filter((v) =>
      v.violatingResources.some((r) => /WebApps|CDKBucketDeployment/.test(r.constructPath ?? '')),
    );
    expect(findings.map((v) => v.ruleName)).toEqual([]);
  });
});

describe('WebApps: its props', () => {
  const probe = (overrides: Partial<WebAppsProps> = {}) => {
    const stack = newStack();
    const distribution = new Distribution(stack, 'Distribution', { defaultBehavior: { origin: new HttpOrigin('example.com') } });
    const client = new UserPool(stack, 'Pool').addClient('Console');
    const web = new WebApps(stack, 'WebApps', {
      distribution,
      accessLogs: new Bucket(stack, 'Logs'),
      signIn: {
        authority: 'https://id.example.com/realms/ppe',
        clientId: client.userPoolClientId,
        issuerOrigin: 'https://id.example.com',
        signInOrigin: 'https://login.example.com',
        scope: 'openid email',
      },
      ...overrides,
    });
    return { stack, web, client };
  };

  it("writes the given provider and client into both apps' config.json", () => {
    const { stack, web, client } = probe();
    const template = Template.fromStack(stack);
    const [, shellDeployment] = resourcesOfType(template, 'Custom::CDKBucketDeployment').find(
      ([, r]) => r.Properties?.Prune === true,
    ) ?? ['', {} as CfnResource];
    for (const app of WEB_APPS) {
      expect(deployedConfig(app, (stack.node.root as App).outdir, shellDeployment.Properties ?? {})).toEqual({
        apiBase: '',
        oidc: {
          authority: 'https://id.example.com/realms/ppe',
          clientId: `{{Ref ${logicalIdOf(client)}}}`,
          scope: 'openid email',
        },
      });
    }
    expect(web.config.oidc.scope).toBe('openid email');
  });

  it('refuses to synthesize without a build, saying how to make one', () => {
    expect(() => probe({ distDir: join(synth.app.outdir, 'no-such-build') })).toThrow(/not built.*npm run build:web/);
  });

  it('refuses a sign-in origin that would add a CSP directive of its own, or is not https', () => {
    const signIn = { authority: 'https://id.example.com', clientId: 'c', issuerOrigin: 'https://id.example.com' };
    for (const signInOrigin of [
      "https://login.example.com; script-src 'unsafe-inline'",
      'http://login.example.com',
      'https://a.b/path',
    ]) {
      expect(() => probe({ signIn: { ...signIn, signInOrigin } }), signInOrigin).toThrow(/signInOrigin must be an https origin/);
    }
  });
});
