import { describe, expect, it } from 'vitest';
import { MAIN_TABLE } from '#kernel/db/table-definitions';
import { cursorParameterOf } from '#kernel/http/route-definition';
import { ALL_ROUTES, ROUTES } from '#shared/app/routes';
import { DataTable } from '../../infra/constructs/data-table';
import { HTTP_FUNCTIONS, RouteFunctions, type RouteFunctionsProps } from '../../infra/constructs/route-functions';
import { SigningKey } from '../../infra/constructs/signing-key';
import { IP_DATABASE_DIR } from '../../infra/constructs/traceseal-function';
import { inspect, logicalIdOf, newStack, synthesize } from './synth';
import { resourcesOf, resourcesOfType } from './template-helpers';

const HTTP_FUNCTION_NAMES = [...new Set(ALL_ROUTES.map((route) => route.functionName))];

const synth = synthesize();
const { fn, propertiesOf, environmentOf } = inspect(synth);

/** RouteFunctions on its own, for what it refuses. */
const build = (props: Partial<RouteFunctionsProps>) => () => {
  const stack = newStack();
  const table = new DataTable(stack, 'Table');
  new RouteFunctions(stack, 'Functions', {
    table,
    signingKey: new SigningKey(stack, 'SigningKey', { table }),
    verifyBaseUrl: 'https://verify.example.com',
    ...props,
  });
};

describe('RouteFunctions', () => {
  it('has settings for exactly the functions the routes name', () => {
    expect(Object.keys(HTTP_FUNCTIONS).sort()).toEqual([...HTTP_FUNCTION_NAMES].sort());
  });

  it('makes one function per function name of the routes', () => {
    expect([...synth.stack.routeFunctions.functions.keys()].sort()).toEqual([...HTTP_FUNCTION_NAMES].sort());
  });

  it('integrates every route with the function it names', () => {
    const resources = resourcesOf(synth.template);
    const routes = resourcesOfType(synth.template, 'AWS::ApiGatewayV2::Route');
    for (const definition of ALL_ROUTES) {
      const [, route] = routes.find(([, r]) => r.Properties?.RouteKey === `${definition.method} ${definition.path}`) ?? [];
      // Target: "integrations/" + Ref of the integration.
      const integrationId = (route?.Properties?.Target as { 'Fn::Join': [string, [string, { Ref: string }]] })['Fn::Join'][1][1]
        .Ref;
      expect(resources[integrationId]?.Properties?.IntegrationUri, definition.operationId).toEqual({
        'Fn::GetAtt': [logicalIdOf(fn(definition.functionName)), 'Arn'],
      });
    }
  });

  it('describes each function by the routes it serves', () => {
    expect(propertiesOf(fn('verify-code')).Description).toBe(
      `TraceSeal ${[
        ROUTES.verifyCode,
        ROUTES.verifyContainer,
        ROUTES.resolveProduct,
        ROUTES.resolveLot,
        ROUTES.resolveUnitPath,
        ROUTES.resolveContainerPath,
      ]
        .map((route) => `GET ${route.path}`)
        .join(', ')}`.slice(0, 256),
    );
  });

  it('gives create-batch a full vCPU and 29 s for 10,000 signatures', () => {
    expect(propertiesOf(fn('create-batch'))).toMatchObject({ MemorySize: 1769, Timeout: 29 });
  });

  it('points the functions that print codes at the CloudFront host', () => {
    // create-report completes the page form's code, a path on that host, into the full URI.
    for (const name of ['create-batch', 'list-batch-codes', 'create-containers', 'create-report']) {
      expect(environmentOf(name).VERIFY_BASE_URL, name).toEqual({
        'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalIdOf(synth.stack.distribution), 'DomainName'] }]],
      });
    }
    expect(environmentOf('get-batch')).not.toHaveProperty('VERIFY_BASE_URL');
  });

  it('ships the IP database to create-report, which places a reporter by address, and to no other route function', () => {
    expect(environmentOf('create-report').IP2REGION_DATA_DIR).toBe(IP_DATABASE_DIR);
    for (const name of HTTP_FUNCTION_NAMES) {
      if (name !== 'create-report') expect(environmentOf(name), name).not.toHaveProperty('IP2REGION_DATA_DIR');
    }
  });

  it('names the table to every function with table access, and to no other', () => {
    expect(environmentOf('create-batch').TABLE_NAME).toEqual({ Ref: MAIN_TABLE.logicalId });
    expect(environmentOf('get-openapi')).toEqual({ NODE_OPTIONS: '--enable-source-maps' });
  });

  it('gives the cursor key to the functions of the listing routes, and to no other', () => {
    const listings = new Set(ALL_ROUTES.filter((route) => cursorParameterOf(route) !== undefined).map((r) => r.functionName));
    expect([...listings].sort()).toEqual(
      expect.arrayContaining(['get-event-job', 'read-inbox', 'list-alerts', 'list-reports', 'query-epcis-events']),
    );
    for (const name of HTTP_FUNCTION_NAMES) {
      expect(environmentOf(name).CURSOR_KEY_SECRET_ID !== undefined, name).toBe(listings.has(name));
    }
  });

  it('reserves 100 concurrent executions for the verification function, and for no other', () => {
    const reserved = resourcesOfType(synth.template, 'AWS::Lambda::Function')
      .filter(([, f]) => f.Properties?.ReservedConcurrentExecutions !== undefined)
      .map(([id]) => id);
    expect(reserved).toEqual([logicalIdOf(fn('verify-code'))]);
    expect(propertiesOf(fn('verify-code')).ReservedConcurrentExecutions).toBe(100);
  });

  it('reserves what verifyReservedConcurrency says', () => {
    const custom = synthesize({ verifyReservedConcurrency: 250 });
    expect(inspect(custom).propertiesOf(inspect(custom).fn('verify-code')).ReservedConcurrentExecutions).toBe(250);
  });

  it('refuses a route whose function has no settings', () => {
    const settings = Object.fromEntries(Object.entries(HTTP_FUNCTIONS).filter(([name]) => name !== 'get-org'));
    expect(build({ routes: ROUTES, settings })).toThrow(/names function get-org, which HTTP_FUNCTIONS .* lacks/);
  });

  it('refuses settings that no route uses', () => {
    expect(build({ routes: { getJwks: ROUTES.getJwks }, settings: HTTP_FUNCTIONS })).toThrow(
      /settings no route uses: create-org/,
    );
  });

  it('refuses a reserved concurrency outside 1 to 10000', () => {
    expect(build({ verifyReservedConcurrency: 0 })).toThrow(/verifyReservedConcurrency/);
  });
});
