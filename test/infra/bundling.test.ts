import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '#shared/app/routes';
import { HTTP_FUNCTIONS } from '../../infra/constructs/route-functions';
import { IP_DATABASE_DIR, TraceSealFunction } from '../../infra/constructs/traceseal-function';
import { apiEvent } from '../support/events';
import { CDK_JSON_CONTEXT, logicalIdOf } from './synth';

/**
 * The one test that bundles for real, with the local esbuild and no Docker (there is
 * none here, so a Docker fallback would fail the test). Four functions: get-openapi,
 * which can run without AWS, add-org-claim, which pulls in the AWS SDK, and
 * process-scan-log and create-report, which ship the offline IP database their code reads
 * at run time (as the stack bundles them: the aggregator always, route functions by setting).
 */
const outdir = mkdtempSync(join(tmpdir(), 'traceseal-bundling-'));
const assetDirs = new Map<string, string>();

beforeAll(() => {
  const app = new App({ outdir, context: CDK_JSON_CONTEXT });
  const stack = new Stack(app, 'BundlingProbe');
  const functions = ['get-openapi', 'add-org-claim', 'process-scan-log', 'create-report'].map((name) => ({
    name,
    construct: new TraceSealFunction(stack, name, {
      name,
      environment: { LOG_LEVEL: 'warn' },
      ipDatabase: name === 'process-scan-log' || HTTP_FUNCTIONS[name]?.locatesViewers === true,
    }),
  }));
  const assembly = app.synth();
  const template = assembly.getStackByName('BundlingProbe').template as {
    Resources: Record<string, { Type: string; Properties: { Code?: { S3Key?: string } } }>;
  };
  for (const { name, construct } of functions) {
    const logicalId = logicalIdOf(construct);
    const key = template.Resources[logicalId]?.Properties.Code?.S3Key ?? '';
    assetDirs.set(name, join(outdir, `asset.${key.replace(/\.zip$/, '')}`));
  }
}, 120_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const fakeContext = { awsRequestId: 'bundling-test', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

describe('bundling with the local esbuild', () => {
  it('writes a minified CommonJS bundle with its source map for each function', () => {
    for (const [name, dir] of assetDirs) {
      const bundle = join(dir, 'index.js');
      expect(existsSync(bundle), `${name} bundle`).toBe(true);
      expect(existsSync(join(dir, 'index.js.map')), `${name} source map`).toBe(true);
      const code = readFileSync(bundle, 'utf8');
      // CommonJS, not ESM: Lambda loads index.js as CJS.
      expect(/^\s*(import|export)\s/m.test(code)).toBe(false);
      // Minified: few, long lines.
      expect(code.length / code.split('\n').length).toBeGreaterThan(500);
      expect(code.includes('sourceMappingURL=index.js.map')).toBe(true);
    }
  });

  it('bundles the AWS SDK instead of expecting it from the runtime', () => {
    const code = readFileSync(join(assetDirs.get('add-org-claim') ?? '', 'index.js'), 'utf8');
    const external = new Set([...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((match) => match[1]));
    // Left external: Node built-ins, and the SDK's optional SigV4a signers it loads in a try/catch.
    const unexpected = [...external].filter(
      (name) => !name?.startsWith('node:') && name !== '@aws-sdk/signature-v4-crt' && name !== '@aws-sdk/signature-v4a',
    );
    expect(unexpected).toEqual([]);
    expect(code.includes('GetItemCommand')).toBe(true);
    expect(statSync(join(assetDirs.get('add-org-claim') ?? '', 'index.js')).size).toBeLessThan(2_000_000);
  });

  it('produces a bundle that runs: get-openapi answers with the OpenAPI document', async () => {
    const load = createRequire(import.meta.url);
    const { handler } = load(join(assetDirs.get('get-openapi') ?? '', 'index.js')) as {
      handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<{ statusCode: number; body: string }>;
    };
    const event = {
      version: '2.0',
      routeKey: 'GET /openapi.json',
      rawPath: '/openapi.json',
      rawQueryString: '',
      headers: {},
      isBase64Encoded: false,
      requestContext: { http: { method: 'GET', path: '/openapi.json' } },
    } as unknown as APIGatewayProxyEventV2;
    const response = await handler(event, fakeContext);
    expect(response.statusCode).toBe(200);
    const document = JSON.parse(response.body) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(document.paths)).toContain('/01/{gtin}/10/{lot}/21/{serial}');
  });
});

/** Runs `use` as Lambda runs a bundle: the task root is the asset, IP2REGION_DATA_DIR what the construct sets. */
const asLambda = async (dir: string, use: () => Promise<void>): Promise<void> => {
  const previous = { root: process.env.LAMBDA_TASK_ROOT, data: process.env.IP2REGION_DATA_DIR };
  Object.assign(process.env, { LAMBDA_TASK_ROOT: dir, IP2REGION_DATA_DIR: IP_DATABASE_DIR });
  try {
    await use();
  } finally {
    for (const [name, value] of [
      ['LAMBDA_TASK_ROOT', previous.root],
      ['IP2REGION_DATA_DIR', previous.data],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
};

const carriesIpDatabase = (dir: string) => {
  expect(statSync(join(dir, IP_DATABASE_DIR, 'ip2region.db')).size).toBeGreaterThan(1_000_000);
  expect(statSync(join(dir, IP_DATABASE_DIR, 'ipv6wry.db')).size).toBeGreaterThan(1_000_000);
};

describe('a bundle with the IP database', () => {
  it('carries ip2region’s data files and loads them at cold start from the task root', async () => {
    const dir = assetDirs.get('process-scan-log') ?? '';
    carriesIpDatabase(dir);
    await asLambda(dir, async () => {
      const load = createRequire(import.meta.url);
      const { handler } = load(join(dir, 'index.js')) as { handler: (event: unknown) => Promise<void> };
      // A batch with no scan in it (a HEAD) touches no table: the load is what is tested.
      const head = ['1763971234.567', '113.87.1.1', '200', 'HEAD'].join('\t');
      await expect(
        handler({
          Records: [{ eventID: 'shardId-0:1', kinesis: { sequenceNumber: '1', data: Buffer.from(head).toString('base64') } }],
        }),
      ).resolves.toBeUndefined();
    });
  });

  it('goes with create-report too, which places a reporter by address and loads it before any request', async () => {
    const dir = assetDirs.get('create-report') ?? '';
    carriesIpDatabase(dir);
    await asLambda(dir, async () => {
      const load = createRequire(import.meta.url);
      const { handler } = load(join(dir, 'index.js')) as {
        handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<{ statusCode: number; body: string }>;
      };
      // A report without a body is refused before the table: the load is what is tested.
      const response = await handler(apiEvent(ROUTES.createReport), fakeContext);
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'MISSING_BODY' } });
    });
  });
});
