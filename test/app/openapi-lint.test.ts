import { createConfig, lintFromString, type NormalizedProblem } from '@redocly/openapi-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { RouteDefinition } from '#kernel/http/route-definition';
import { buildOpenApiDocument, isDescribedRoute } from '#shared/app/openapi';
import { ALL_ROUTES } from '#shared/app/routes';
import { startTestService, type TestService } from '../support/local-service';

const describeProblem = (problem: NormalizedProblem) =>
  `${problem.severity} ${problem.ruleId}: ${problem.message} at ${problem.location.map((l) => l.pointer).join(', ')}`;

/**
 * Warnings of Redocly's recommended ruleset that the document keeps on purpose, each with
 * its reason. Anything else, and every error, fails the test.
 */
const ACCEPTED_WARNINGS: Record<string, string> = {
  // The project has chosen no licence (package.json is private, no LICENSE file); the API
  // description must not claim one. Set info.license when one is chosen and drop this line.
  'info-license': 'no licence chosen yet',
};

/**
 * The local service names itself (http://localhost:<port>) as the server, which is right
 * for it and is what this rule warns about; the document as AWS serves it is linted
 * without this allowance below.
 */
const LOCAL_ONLY_WARNINGS: Record<string, string> = {
  'no-server-example.com': 'the local service runs on localhost',
};

const unexpectedProblems = (problems: NormalizedProblem[], accepted: Record<string, string>) =>
  problems.filter((problem) => problem.severity === 'error' || !Object.hasOwn(accepted, problem.ruleId)).map(describeProblem);

const lint = async (document: unknown): Promise<NormalizedProblem[]> =>
  lintFromString({
    source: JSON.stringify(document, null, 2),
    absoluteRef: 'openapi.json',
    config: await createConfig({ extends: ['recommended'] }),
  });

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => service?.stop());

describe('the served /openapi.json against Redocly’s recommended ruleset', () => {
  it('has no errors and no warnings but the accepted ones', async () => {
    const res = await service.call('GET', '/openapi.json');
    expect(res.status).toBe(200);
    const problems = await lint(await res.json());
    expect(unexpectedProblems(problems, { ...ACCEPTED_WARNINGS, ...LOCAL_ONLY_WARNINGS })).toEqual([]);
  });

  it('is as clean as AWS serves it (no server setting: the distribution that served it)', async () => {
    const problems = await lint(buildOpenApiDocument());
    expect(unexpectedProblems(problems, ACCEPTED_WARNINGS)).toEqual([]);
  });

  it('names a server a client can call: the configured public host, without a trailing slash', async () => {
    const doc = (await (await service.call('GET', '/openapi.json')).json()) as { servers: { url: string }[] };
    expect(doc.servers).toEqual([{ url: service.url }]);
    const jwks = await fetch(`${doc.servers[0]?.url}/.well-known/jwks.json`);
    expect(jwks.status).toBe(200);
  });

  it('declares every {name} of every path as a required path parameter', async () => {
    const doc = (await (await service.call('GET', '/openapi.json')).json()) as {
      paths: Record<string, Record<string, { parameters: { name: string; in: string; required: boolean }[] }>>;
    };
    const checked: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      for (const [method, operation] of Object.entries(operations)) {
        const declared = operation.parameters.filter((p) => p.in === 'path');
        expect(declared.map((p) => p.name).sort(), `${method} ${path}`).toEqual([...names].sort());
        expect(declared.every((p) => p.required)).toBe(true);
        checked.push(`${method} ${path}`);
      }
    }
    expect(checked).toEqual(expect.arrayContaining(['get /v1/orgs/{id}', 'get /v1/batches/{id}', 'get /v1/batches/{id}/codes']));
  });

  it('keeps properties called `id` in the schemas that require them', async () => {
    const doc = (await (await service.call('GET', '/openapi.json')).json()) as {
      components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
    };
    for (const name of ['Organization', 'RegisteredOrganization', 'Batch']) {
      const schema = doc.components.schemas[name];
      expect(schema?.required, name).toContain('id');
      expect(schema?.properties?.id, name).toEqual(expect.objectContaining({ type: 'string', format: 'uuid' }));
    }
  });
});

describe('the generator', () => {
  const route = (path: string, params?: z.ZodType): RouteDefinition => ({
    operationId: 'probe',
    method: 'GET',
    path,
    functionName: 'probe',
    summary: 'probe',
    auth: 'public',
    ...(params === undefined ? {} : { params }),
    responses: { 200: { description: 'ok' } },
  });

  it('refuses a route whose params schema does not declare its path parameters, rather than describe it wrongly', () => {
    expect(() => buildOpenApiDocument({ routes: [route('/things/{id}')] })).toThrow(/missing: id/);
    expect(() => buildOpenApiDocument({ routes: [route('/things/{id}', z.strictObject({ thingId: z.uuid() }))] })).toThrow(
      /missing: id; not in the path: thingId/,
    );
  });

  it("leaves out API Gateway's greedy catch-alls, which OpenAPI cannot express, and describes every other route", () => {
    const doc = buildOpenApiDocument({
      routes: [
        route('/01/{gtin}', z.strictObject({ gtin: z.string() })),
        route('/01/{proxy+}', z.strictObject({ 'proxy+': z.string() })),
      ],
    });
    expect(Object.keys(doc.paths)).toEqual(['/01/{gtin}']);
    const served = buildOpenApiDocument();
    for (const described of ALL_ROUTES.filter(isDescribedRoute)) {
      expect(served.paths[described.path]?.[described.method.toLowerCase()], described.operationId).toBeDefined();
    }
  });

  it('falls back to the serving host and strips a trailing slash from a configured server', () => {
    const ok = [route('/things/{id}', z.strictObject({ id: z.uuid() }))];
    expect(buildOpenApiDocument({ routes: ok }).servers).toEqual([{ url: '/' }]);
    expect(buildOpenApiDocument({ routes: ok, serverUrl: 'https://verify.example.org/' }).servers).toEqual([
      { url: 'https://verify.example.org' },
    ]);
  });
});
