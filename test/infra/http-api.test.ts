import { describe, expect, it } from 'vitest';
import { ALL_ROUTES, ROUTES, type RouteName, routeKeysOf } from '#shared/app/routes';
import { DEFAULT_ROUTE_THROTTLES, type Throttle } from '../../infra/constructs/http-api';
import { TraceSealStack } from '../../infra/traceseal-stack';
import { inspect, logicalIdOf, newApp, synthesize } from './synth';
import { resourcesOf, resourcesOfType } from './template-helpers';

const synth = synthesize();
const { fn } = inspect(synth);
const routes = resourcesOfType(synth.template, 'AWS::ApiGatewayV2::Route');
const routeByKey = (key: string) => routes.find(([, r]) => r.Properties?.RouteKey === key)?.[1];
const authorizers = new Map(
  resourcesOfType(synth.template, 'AWS::ApiGatewayV2::Authorizer').map(([id, a]) => [
    a.Properties?.Name,
    { id, properties: a.Properties ?? {} },
  ]),
);
const [[stageId, stage] = []] = resourcesOfType(synth.template, 'AWS::ApiGatewayV2::Stage');
type RouteSettings = Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;
const routeSettings = stage?.Properties?.RouteSettings as RouteSettings;
const make = (props: ConstructorParameters<typeof TraceSealStack>[2]) => () => new TraceSealStack(newApp(), 'Invalid', props);

describe('TraceSealHttpApi', () => {
  it('has exactly one route per route key of the route table', () => {
    expect(routes.map(([, r]) => r.Properties?.RouteKey).sort()).toEqual(ALL_ROUTES.flatMap(routeKeysOf).sort());
  });

  it('serves HEAD on the verification routes', () => {
    expect(routeByKey('HEAD /01/{gtin}/10/{lot}/21/{serial}')).toBeDefined();
    expect(routeByKey('HEAD /00/{sscc}')).toBeDefined();
  });

  it('has two REQUEST authorizers, both the authorize-request function, cached 5 minutes, no JWT configuration', () => {
    expect([...authorizers.keys()].sort()).toEqual(['origin-verify', 'token']);
    for (const [name, { properties }] of authorizers) {
      expect(properties, String(name)).toMatchObject({
        AuthorizerType: 'REQUEST',
        EnableSimpleResponses: true,
        AuthorizerPayloadFormatVersion: '2.0',
        AuthorizerResultTtlInSeconds: 300,
      });
      expect(JSON.stringify(properties.AuthorizerUri)).toContain(
        JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(fn('authorize-request')), 'Arn'] }),
      );
      // No audience, no client list: nothing in the API changes when an organization is added.
      expect(properties).not.toHaveProperty('JwtConfiguration');
    }
  });

  it('caches public answers per origin-verify header, private ones per token, header and route', () => {
    expect(authorizers.get('origin-verify')?.properties.IdentitySource).toEqual(['$request.header.x-origin-verify']);
    expect(authorizers.get('token')?.properties.IdentitySource).toEqual([
      '$request.header.Authorization',
      '$request.header.x-origin-verify',
      '$context.routeKey',
    ]);
  });

  it('puts the origin-verify authorizer on public routes and the token authorizer on the others, with no scopes', () => {
    for (const definition of ALL_ROUTES) {
      for (const key of routeKeysOf(definition)) {
        const authorizer = authorizers.get(definition.auth === 'public' ? 'origin-verify' : 'token');
        expect(routeByKey(key)?.Properties, key).toMatchObject({
          AuthorizationType: 'CUSTOM',
          AuthorizerId: { Ref: authorizer?.id },
        });
        expect(routeByKey(key)?.Properties, key).not.toHaveProperty('AuthorizationScopes');
      }
    }
  });

  it('throttles each route on its own: verification cannot use up custody uploads or issuance', () => {
    for (const [name, throttle] of Object.entries(DEFAULT_ROUTE_THROTTLES)) {
      for (const key of routeKeysOf(ROUTES[name as RouteName])) {
        expect(routeSettings[key], key).toEqual({
          ThrottlingRateLimit: throttle.rateLimit,
          ThrottlingBurstLimit: throttle.burstLimit,
        });
      }
    }
    expect(routeSettings['POST /v1/events']?.ThrottlingRateLimit).toBeLessThan(
      routeSettings['GET /01/{gtin}/10/{lot}/21/{serial}']?.ThrottlingRateLimit ?? 0,
    );
  });

  it('makes the stage wait for every route (a route setting may only name an existing route)', () => {
    const dependsOn = [resourcesOf(synth.template)[stageId ?? '']?.DependsOn ?? []].flat();
    for (const [id] of routes) expect(dependsOn).toContain(id);
  });

  it('serves the $default stage with the default throttle and JSON access logs to a retained log group', () => {
    expect(stage?.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [logicalIdOf(synth.stack.httpApi.accessLogs), 'Arn'] } },
    });
    const format = JSON.parse(String((stage?.Properties?.AccessLogSettings as { Format: string }).Format)) as Record<
      string,
      string
    >;
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status', routeKey: '$context.routeKey' });
    synth.template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain', Properties: { RetentionInDays: 90 } });
  });

  it('takes per-route throttles over the defaults', () => {
    const custom = synthesize({ routeThrottles: { getJwks: { rateLimit: 7, burstLimit: 9 } } });
    const [[, customStage] = []] = resourcesOfType(custom.template, 'AWS::ApiGatewayV2::Stage');
    expect((customStage?.Properties?.RouteSettings as RouteSettings)['GET /.well-known/jwks.json']).toEqual({
      ThrottlingRateLimit: 7,
      ThrottlingBurstLimit: 9,
    });
  });

  it('refuses a throttle that is not a positive integer', () => {
    expect(make({ apiThrottleRateLimit: 0 })).toThrow(/positive integer/);
  });

  it('refuses a burst below the rate', () => {
    expect(make({ apiThrottleRateLimit: 100, apiThrottleBurstLimit: 50 })).toThrow(/burstLimit must be at least rateLimit/);
  });

  it('refuses a throttle for a route that does not exist', () => {
    const routeThrottles: Record<string, Throttle> = { noSuchRoute: { rateLimit: 1, burstLimit: 1 } };
    expect(make({ routeThrottles })).toThrow(/routeThrottles names no route/);
  });
});
