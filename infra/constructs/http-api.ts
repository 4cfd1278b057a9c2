import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  CorsHttpMethod,
  type CorsPreflightOptions,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RouteDefinition } from '#kernel/http/route-definition';
import { ORIGIN_VERIFY_HEADER } from '#shared/app/authorizer';
import { type RouteName, routeKeysOf } from '#shared/app/routes';
import { pascalCase } from './naming';
import { pinLogicalId } from './pin';

export interface Throttle {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Requests accepted at once above the steady rate. */
  readonly burstLimit: number;
}

/**
 * Each route has its own token bucket, so a flood on one route cannot use up another's:
 * anonymous verification traffic (mostly answered by the CDN anyway) never takes the
 * capacity of custody uploads or issuance. The CPU-heavy, 29-second routes get the least;
 * the rest share the stage default.
 */
export const DEFAULT_ROUTE_THROTTLES: Readonly<Partial<Record<RouteName, Throttle>>> = {
  verifyCode: { rateLimit: 500, burstLimit: 1000 },
  verifyContainer: { rateLimit: 200, burstLimit: 400 },
  getJwks: { rateLimit: 50, burstLimit: 100 },
  getOpenApi: { rateLimit: 10, burstLimit: 20 },
  recordEvents: { rateLimit: 50, burstLimit: 100 },
  createBatch: { rateLimit: 10, burstLimit: 20 },
  createContainers: { rateLimit: 10, burstLimit: 20 },
  createOrganization: { rateLimit: 5, burstLimit: 10 },
};

/**
 * CORS as the GS1 resolver standard asks, for browser scanner apps on any origin. API
 * Gateway answers the preflight itself (before the authorizer) and adds these headers to
 * every answer. Authorization is not an allowed header, so a page on another origin can
 * read the public routes but cannot call a private one with a token.
 */
export const CORS_PREFLIGHT: CorsPreflightOptions = {
  allowOrigins: ['*'],
  allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.HEAD, CorsHttpMethod.OPTIONS],
  allowHeaders: ['accept', 'accept-language'],
  exposeHeaders: ['link', 'location'],
  maxAge: Duration.days(1),
};

export interface TraceSealHttpApiProps {
  /** functions/authorize-request, attached to every route. */
  readonly authorizer: IFunction;
  /**
   * Throttle of every route without its own.
   * @default { rateLimit: 100, burstLimit: 200 }
   */
  readonly defaultThrottle?: Throttle;
  /**
   * Per-route throttles by route name; merged over the defaults.
   * @default DEFAULT_ROUTE_THROTTLES
   */
  readonly routeThrottles?: Partial<Record<RouteName, Throttle>>;
  /**
   * How long API Gateway keeps an authorizer answer (per origin-verify header on public
   * routes; per token and route on the others). Handlers still refuse an expired token.
   * @default Duration.minutes(5)
   */
  readonly authorizerCacheTtl?: Duration;
}

const validateThrottle = (name: string, throttle: Throttle): void => {
  for (const [key, value] of Object.entries(throttle)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name}.${key} must be a positive integer`);
  }
  if (throttle.burstLimit < throttle.rateLimit) throw new Error(`${name}: burstLimit must be at least rateLimit`);
};

/** One JSON line per request: who called what, when, how it ended and how long it took. */
const ACCESS_LOG_FIELDS = JSON.stringify({
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  routeKey: '$context.routeKey',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integration.latency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  clientId: '$context.authorizer.clientId',
  orgId: '$context.authorizer.orgId',
});

/**
 * The HTTP API: one route per route key of the route table (HEAD too where a route allows
 * it, `addRoutes`), every one behind the Lambda authorizer (public routes check only the
 * origin-verify header CloudFront sends, so the API cannot be called around the CDN and
 * its WAF), per-route throttles and JSON access logs kept three months. The routes come
 * after the API because their functions print the CDN's host, and the CDN needs the API's.
 */
export class TraceSealHttpApi extends Construct {
  public readonly api: HttpApi;
  public readonly stage: HttpStage;
  public readonly accessLogs: LogGroup;
  /** Route key -> throttle, as deployed. */
  public readonly throttles = new Map<string, Throttle>();
  private readonly routeThrottles: Partial<Record<RouteName, Throttle>>;
  private readonly publicAuthorizer: HttpLambdaAuthorizer;
  private readonly tokenAuthorizer: HttpLambdaAuthorizer;

  public constructor(scope: Construct, id: string, props: TraceSealHttpApiProps) {
    super(scope, id);
    const defaultThrottle = props.defaultThrottle ?? { rateLimit: 100, burstLimit: 200 };
    this.routeThrottles = { ...DEFAULT_ROUTE_THROTTLES, ...props.routeThrottles };
    const cacheTtl = props.authorizerCacheTtl ?? Duration.minutes(5);
    validateThrottle('defaultThrottle', defaultThrottle);
    for (const [name, throttle] of Object.entries(this.routeThrottles)) {
      if (throttle !== undefined) validateThrottle(`routeThrottles.${name}`, throttle);
    }
    if (cacheTtl.toSeconds() > 3600) throw new Error('authorizerCacheTtl must be at most one hour');

    this.api = new HttpApi(this, 'Api', {
      description: 'TraceSeal: PPE code issuance, registry and verification',
      createDefaultStage: false,
      corsPreflight: CORS_PREFLIGHT,
    });
    // CloudFront's origin is this API's id: a replaced API would change it under the CDN.
    pinLogicalId(this.api, 'HttpApiF5A9A8A7');
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.THREE_MONTHS,
      // Who called what and when is audit data: it outlives the stack (until retention).
      removalPolicy: RemovalPolicy.RETAIN,
    });
    pinLogicalId(this.accessLogs, 'ApiAccessLogsE9DF007D');

    const originVerify = `$request.header.${ORIGIN_VERIFY_HEADER}`;
    this.publicAuthorizer = new HttpLambdaAuthorizer('OriginVerifyAuthorizer', props.authorizer, {
      authorizerName: 'origin-verify',
      // One value (the CDN's), so one authorizer call per cache period, not per scan.
      identitySource: [originVerify],
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      resultsCacheTtl: cacheTtl,
    });
    this.tokenAuthorizer = new HttpLambdaAuthorizer('TokenAuthorizer', props.authorizer, {
      authorizerName: 'token',
      // The route key is part of the cache key: an answer about one route's roles is never
      // reused for another route.
      identitySource: ['$request.header.Authorization', originVerify, '$context.routeKey'],
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      resultsCacheTtl: cacheTtl,
    });

    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: defaultThrottle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(ACCESS_LOG_FIELDS),
      },
    });
  }

  /** The routes of the route table (by name), each to the function `functionFor` gives; once. */
  public addRoutes(routes: Readonly<Record<string, RouteDefinition>>, functionFor: (route: RouteDefinition) => IFunction): void {
    if (this.throttles.size > 0) throw new Error('addRoutes: the routes are already added');
    for (const name of Object.keys(this.routeThrottles)) {
      if (!(name in routes)) throw new Error(`routeThrottles names no route: ${name}`);
    }
    // One integration and one invoke permission per function, not per route: a stack holds
    // at most 500 resources, and per-route ones grant nothing more, since each route reaches
    // only the function it is integrated with.
    const integrations = new Map<string, HttpLambdaIntegration>();
    const integrationOf = (route: RouteDefinition): HttpLambdaIntegration => {
      let integration = integrations.get(route.functionName);
      if (integration === undefined) {
        integration = new HttpLambdaIntegration(`${pascalCase(route.functionName)}Integration`, functionFor(route), {
          scopePermissionToRoute: false,
        });
        integrations.set(route.functionName, integration);
      }
      return integration;
    };
    const added = Object.entries(routes).flatMap(([name, route]) => {
      const methods = routeKeysOf(route).map((key) => HttpMethod[key.split(' ')[0] as keyof typeof HttpMethod]);
      const throttle = this.routeThrottles[name as RouteName];
      if (throttle !== undefined) for (const key of routeKeysOf(route)) this.throttles.set(key, throttle);
      return this.api.addRoutes({
        path: route.path,
        methods,
        integration: integrationOf(route),
        authorizer: route.auth === 'public' ? this.publicAuthorizer : this.tokenAuthorizer,
      });
    });
    (this.stage.node.defaultChild as CfnStage).routeSettings = Object.fromEntries(
      [...this.throttles].map(([routeKey, throttle]) => [
        routeKey,
        // RouteSettings is untyped in the L1: the keys go to CloudFormation as written.
        { ThrottlingRateLimit: throttle.rateLimit, ThrottlingBurstLimit: throttle.burstLimit },
      ]),
    );
    // A route setting may only name a route that already exists.
    for (const route of added) this.stage.node.addDependency(route);
  }
}
