import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { cursorParameterOf, type RouteDefinition, recordsActivity } from '#kernel/http/route-definition';
import { ROUTES } from '#shared/app/routes';
import { CursorKey } from './cursor-key';
import { pascalCase } from './naming';
import { HTTP_FUNCTIONS, type HttpFunctionSettings } from './route-function-settings';
import type { SigningKey } from './signing-key';
import { ACTIVITY_KEYS } from './table-access';
import { TraceSealFunction } from './traceseal-function';

// The settings live beside, one entry per function; callers find them here too.
export { HTTP_FUNCTIONS, type HttpFunctionSettings } from './route-function-settings';

export interface RouteFunctionsProps {
  /** The table the functions work on. */
  readonly table: ITableV2;
  /** Gives the functions that sign codes the private key. */
  readonly signingKey: SigningKey;
  /** `https://` + the host printed in codes, for the functions that print them. */
  readonly verifyBaseUrl: string;
  /**
   * The routes whose functions to make, by route name.
   * @default ROUTES (shared/app/routes.ts)
   */
  readonly routes?: Readonly<Record<string, RouteDefinition>>;
  /**
   * Settings of each function, by function name (its folder under functions/).
   * @default HTTP_FUNCTIONS
   */
  readonly settings?: Readonly<Record<string, HttpFunctionSettings>>;
  /**
   * Concurrent executions reserved for (and the most allowed to) the public hot path: a
   * scan flood that gets past the CDN and WAF uses these and no more, and leaves the rest
   * of the account's concurrency to custody and issuance.
   * @default 100
   */
  readonly verifyReservedConcurrency?: number;
}

/**
 * One function per function name of the routes, each with exactly the permissions its
 * settings give. The stack makes this construct with the id `Default`, which CDK leaves
 * out of logical ids: the functions keep the ids they had as children of the stack.
 */
export class RouteFunctions extends Construct {
  /** By function name. */
  public readonly functions: ReadonlyMap<string, TraceSealFunction>;
  /** Seals pagination cursors; read by the functions of the listing routes and no other. */
  public readonly cursorKey: CursorKey;

  public constructor(scope: Construct, id: string, props: RouteFunctionsProps) {
    super(scope, id);
    const routes = Object.values(props.routes ?? ROUTES);
    const settings = props.settings ?? HTTP_FUNCTIONS;
    const reserved = props.verifyReservedConcurrency ?? 100;
    const names = [...new Set(routes.map((route) => route.functionName))];
    for (const route of routes) {
      if (settings[route.functionName] === undefined) {
        throw new Error(
          `Route ${route.operationId} names function ${route.functionName}, which HTTP_FUNCTIONS in infra/constructs/route-functions.ts lacks: give it its permissions there`,
        );
      }
    }
    const unused = Object.keys(settings).filter((name) => !names.includes(name));
    if (unused.length > 0) throw new Error(`HTTP_FUNCTIONS has settings no route uses: ${unused.join(', ')}`);
    if (!Number.isInteger(reserved) || reserved < 1 || reserved > 10_000) {
      throw new Error('verifyReservedConcurrency must be an integer from 1 to 10000');
    }

    const functions = new Map<string, TraceSealFunction>();
    this.cursorKey = new CursorKey(this, 'CursorKey');
    const listings = new Set(routes.filter((route) => cursorParameterOf(route) !== undefined).map((r) => r.functionName));
    const writers = new Set(routes.filter(recordsActivity).map((route) => route.functionName));
    for (const name of names) {
      const setting = settings[name] ?? { tableAccess: 'none' };
      const fn = new TraceSealFunction(this, pascalCase(setting.formerName ?? name), {
        name,
        description: `TraceSeal ${routes
          .filter((route) => route.functionName === name)
          .map((route) => `${route.method} ${route.path}`)
          .join(', ')}`.slice(0, 256),
        memorySize: setting.memorySize,
        timeout: setting.timeout,
        table: setting.tableAccess === 'none' ? undefined : props.table,
        environment: setting.printsCodes === true ? { VERIFY_BASE_URL: props.verifyBaseUrl } : {},
        reservedConcurrentExecutions: setting.publicHotPath === true ? reserved : undefined,
        ipDatabase: setting.locatesViewers === true,
      });
      fn.grantTable(setting.tableAccess);
      // Its successful writes are recorded in the caller's organization's activity: one PutItem there.
      if (writers.has(name) && setting.tableAccess !== 'readWrite') {
        fn.grantTable({ leadingKeys: ACTIVITY_KEYS, actions: ['dynamodb:PutItem'] });
      }
      if (setting.signsCodes === true) props.signingKey.grantRead(fn);
      if (listings.has(name)) this.cursorKey.grantTo(fn);
      functions.set(name, fn);
    }
    this.functions = functions;
  }

  /** The function of a route (for HttpApi.addRoutes). */
  public functionFor(route: RouteDefinition): TraceSealFunction {
    return this.get(route.functionName);
  }

  /** The function of a name under functions/; throws if no route uses it. */
  public get(name: string): TraceSealFunction {
    const fn = this.functions.get(name);
    if (fn === undefined) throw new Error(`No route uses the ${name} function`);
    return fn;
  }
}
