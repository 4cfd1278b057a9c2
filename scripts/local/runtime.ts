import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { acquireDataDirLock, assertNoDatabaseOn } from './data-dir-lock';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local';
import { createGateway } from './gateway';
import { createLocalIssuer, LOCAL_ISSUER, LOCAL_ISSUER_JWKS_PATH, type LocalIssuer } from './local-issuer';
import { createLocalOidcProvider, type LocalOidcProvider, localAccountsFile } from './oidc-provider';
import { ensurePrivateDirectory } from './private-directory';

export interface LocalRuntimeOptions {
  /** 0 picks a free port. */
  port: number;
  dataDir: string;
  /** Use this DynamoDB endpoint instead of starting DynamoDB Local (tests share one). */
  dynamoEndpoint?: string;
  /** Port for DynamoDB Local; default a free one. */
  dynamoPort?: number;
  /** Keep DynamoDB Local's data in memory rather than under dataDir. */
  inMemory?: boolean;
  tableName?: string;
  /** Base URL printed into codes; defaults to the gateway's own URL. */
  publicBaseUrl?: string;
  /** Believe the viewer's CloudFront-Viewer-* headers, to simulate places (see gateway.ts). */
  simulateViewerLocation?: boolean;
  /**
   * Start an empty audit log at the table's creation (unless AUDIT_LOG_START says otherwise):
   * for `npm start`, whose table nothing writes before it creates it. The first checkpoint
   * then reads the time index from that day, not day by day from the default start.
   */
  auditLogStartsWithTable?: boolean;
}

export interface LocalRuntime {
  url: string;
  dataDir: string;
  tableName: string;
  issuer: LocalIssuer;
  /** The local OpenID provider people sign in with (the console), at `${url}/oidc`. */
  identityProvider: LocalOidcProvider;
  server: Server;
  dynamo: { endpoint: string };
  /** Resolves once every scan answered so far is aggregated (see scan-log.ts). */
  flushScans(): Promise<void>;
  /**
   * Resolves once nothing of this runtime runs or writes any more: requests being answered
   * and background job runs (told their time is up) have ended, the database has stopped,
   * and DATA_DIR is free for another start or for removal.
   */
  stop(): Promise<void>;
}

type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

/** The environment the stack gives the functions in AWS, pointed at this runtime's files and database. */
const localEnvironment = (dataDir: string, endpoint: string, tableName: string): Record<string, string> => ({
  AWS_ENDPOINT_URL_DYNAMODB: endpoint,
  AWS_REGION: process.env.AWS_REGION ?? 'local',
  AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
  AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
  TABLE_NAME: tableName,
  SIGNING_KEY_DIR: join(dataDir, 'keys'),
  // The key of spot-check service salts: kept across restarts, so a fixed draw can still be revealed.
  SPOT_CHECK_SALT_KEY_FILE: join(dataDir, 'keys', 'spot-check-salt.key'),
  // Counterfeit-report photos: the local stand-in for the report bucket.
  REPORT_PHOTO_DIR: join(dataDir, 'reports'),
  // Label files of issuance jobs: the local label bucket (scripts/local/label-links.ts).
  LABEL_FILE_DIR: join(dataDir, 'labels'),
  LABEL_LINK_SECRET: randomBytes(32).toString('base64url'),
  // Pagination cursors' key (shared/kernel/db/cursor-key.ts): one per process, so runtimes
  // started again in it (tests) keep accepting the cursors they handed out.
  CURSOR_KEY: process.env.CURSOR_KEY ?? randomBytes(32).toString('base64url'),
  // Test reports: labs' private keys and the reports' PDFs (shared/kernel/keys/lab-keys.ts, test-report PDF store).
  LAB_KEY_DIR: join(dataDir, 'lab-keys'),
  TEST_REPORT_DIR: join(dataDir, 'test-reports'),
  // The witness of signed tree heads: an append-only file beside the table, never in it (shared/audit/store/head-witness.ts).
  HEAD_WITNESS_FILE: join(dataDir, 'audit', 'heads.jsonl'),
  // People's sign-ins: the local OpenID provider's accounts, the user pool's stand-in (identity-directory.ts).
  LOCAL_ACCOUNTS_FILE: localAccountsFile(dataDir),
  // The local gateway keeps no authorizer answers (API Gateway keeps them 5 minutes), and the
  // authorizer none of people's memberships either: a removal here takes effect at once.
  MEMBERSHIP_CACHE_SECONDS: '0',
});

/** Each function's handler, imported on its first request as Lambda does, with the invocations still going on. */
const handlerLoader = () => {
  const handlers = new Map<string, Promise<LambdaHandler>>();
  // Invocations still going on: closing the server ends their connections, not their work.
  const invocations = new Set<Promise<unknown>>();
  const invoke =
    (handler: LambdaHandler): LambdaHandler =>
    (event, context) => {
      const invocation = handler(event, context);
      invocations.add(invocation);
      const forget = () => invocations.delete(invocation);
      invocation.then(forget, forget);
      return invocation;
    };
  const loadHandler = (name: string): Promise<LambdaHandler> => {
    let loaded = handlers.get(name);
    if (loaded === undefined) {
      loaded = import(`../../functions/${name}/handler.ts`).then((m: { handler: LambdaHandler }) => invoke(m.handler));
      handlers.set(name, loaded);
    }
    return loaded;
  };
  return { loadHandler, invocations };
};

/** Listens on 127.0.0.1 only; the port the system chose when asked for 0. */
const listen = async (server: ReturnType<typeof createGateway>, port: number): Promise<number> => {
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolveListen());
  });
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : port;
};

/** DynamoDB Local on the runtime's files (or in memory), unless an endpoint was given; named in the lock. */
const startDatabase = async (
  options: LocalRuntimeOptions,
  dataDir: string,
  lock: Awaited<ReturnType<typeof acquireDataDirLock>>,
): Promise<DynamoDbLocal | undefined> => {
  const dbPath = join(dataDir, 'dynamodb');
  if (options.dynamoEndpoint === undefined) {
    if (options.inMemory !== true) assertNoDatabaseOn(dataDir, dbPath);
    const dynamo = await startDynamoDbLocal({ port: options.dynamoPort, dbPath: options.inMemory === true ? undefined : dbPath });
    // Named in the lock, so a start after a crash can stop a database left on these files.
    if (options.inMemory !== true) await lock.update({ dynamo: { pid: dynamo.pid, dbPath } });
    return dynamo;
  }
  return undefined;
};

/** The table (made if missing), the local signing keys, and job runs a stopped runtime of this process left queued. */
const prepareData = async (options: LocalRuntimeOptions, dataDir: string, tableName: string): Promise<void> => {
  // Job runs a stopped runtime of this process left queued go on here.
  (await import('#kernel/jobs/local-job-queue')).resumeLocalJobs();
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const { ensureTable } = await import('./tables');
  const { MAIN_TABLE } = await import('#kernel/db/table-definitions');
  const table = await ensureTable(new DynamoDBClient({}), MAIN_TABLE, tableName);
  if (options.auditLogStartsWithTable === true && process.env.AUDIT_LOG_START === undefined) {
    process.env.AUDIT_LOG_START = table.createdAt.toISOString();
  }
  const { ensureLocalSigningKeys } = await import('./signing-keys');
  await ensureLocalSigningKeys(join(dataDir, 'keys'));
};

/** Stops in order: no new request, the ones under way finished, job runs told to yield, then the scan log, the database and the lock. */
const stopRuntime = async (parts: {
  server: ReturnType<typeof createGateway>;
  invocations: ReadonlySet<Promise<unknown>>;
  scanLog: { stop: () => Promise<void> };
  dynamo: DynamoDbLocal | undefined;
  lock: Awaited<ReturnType<typeof acquireDataDirLock>>;
}): Promise<void> => {
  const { server, invocations, scanLog, dynamo, lock } = parts;
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await Promise.allSettled([...invocations]);
  await (await import('#kernel/jobs/local-job-queue')).stopLocalJobs();
  await scanLog.stop();
  await dynamo?.stop();
  await lock.release();
};

/**
 * Brings the service up on this machine: DynamoDB Local, the table, a signing key, the
 * local issuer and the gateway, all listening on 127.0.0.1 only, with their data in a
 * directory only its owner can open. Environment variables are set before any handler or
 * store module is imported, exactly as Lambda sets them before loading a function. One
 * runtime per DATA_DIR: another live one there is refused (DataDirInUseError).
 */
export const startLocalRuntime = async (options: LocalRuntimeOptions): Promise<LocalRuntime> => {
  const dataDir = resolve(options.dataDir);
  await ensurePrivateDirectory(dataDir);
  const lock = await acquireDataDirLock(dataDir);
  const tableName = options.tableName ?? 'traceseal-local';
  let dynamo: DynamoDbLocal | undefined;
  try {
    dynamo = await startDatabase(options, dataDir, lock);
    const endpoint = options.dynamoEndpoint ?? dynamo?.endpoint ?? '';

    Object.assign(process.env, localEnvironment(dataDir, endpoint, tableName));

    await prepareData(options, dataDir, tableName);

    const issuer = await createLocalIssuer(dataDir);
    const { loadHandler, invocations } = handlerLoader();
    // The authorizer's configuration, as the stack sets it in AWS, against the local issuer.
    const originVerifyValue = randomBytes(32).toString('base64url');
    Object.assign(process.env, { TOKEN_ISSUER: LOCAL_ISSUER, ORIGIN_VERIFY_VALUE: originVerifyValue });
    const scanLog = await (await import('./scan-log')).startScanLog({ dataDir });
    const identityProvider: { current?: LocalOidcProvider } = {};
    const server = createGateway({
      issuer,
      identityProvider,
      originVerifyValue,
      loadHandler,
      onAnswer: (answer) => scanLog.append(answer),
      simulateViewerLocation: options.simulateViewerLocation === true,
    });
    const port = await listen(server, options.port);
    const url = `http://localhost:${port}`;
    process.env.TOKEN_JWKS_URL = `http://127.0.0.1:${port}${LOCAL_ISSUER_JWKS_PATH}`;
    identityProvider.current = await createLocalOidcProvider({ origin: url, dataDir });
    // Both local issuers, as the stack names the user pool in AWS: scripts' tokens and people's.
    process.env.TOKEN_ISSUERS = JSON.stringify([
      { issuer: LOCAL_ISSUER, jwksUrl: process.env.TOKEN_JWKS_URL },
      { issuer: identityProvider.current.issuer, jwksUrl: `http://127.0.0.1:${port}/oidc/jwks` },
    ]);
    process.env.VERIFY_BASE_URL = options.publicBaseUrl ?? url;
    (await import('./exports')).configureLocalExports(dataDir, url);
    process.env.LABEL_LINK_BASE = url;
    // Jobs dispatched without a queue run here, through the workers the queues' functions run;
    // loaded last, once the environment is complete, as a handler is loaded on its first request.
    (await import('./job-workers')).registerLocalJobWorkers();
    await lock.update({ url });

    let stopped: Promise<void> | undefined;
    return {
      url,
      dataDir,
      tableName,
      issuer,
      identityProvider: identityProvider.current,
      server,
      dynamo: { endpoint },
      flushScans: () => scanLog.flush(),
      stop: () => (stopped ??= stopRuntime({ server, invocations, scanLog, dynamo, lock })),
    };
  } catch (error) {
    await dynamo?.stop();
    await lock.release();
    throw error;
  }
};
