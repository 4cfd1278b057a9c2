import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, Charset, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { logicalIdAt, pathInStack, pinLogicalId } from './pin';
import { grantTable, type TableAccess } from './table-access';

/** The repository root: entries, package-lock.json and node_modules are all found from here. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const NAME_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export interface TraceSealFunctionProps {
  /** Folder under `functions/`; the entry is `functions/{name}/handler.ts`, export `handler`. */
  readonly name: string;
  /**
   * Memory in MB. Lambda allots CPU in proportion, so CPU-bound work wants more.
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * Environment variables, in addition to NODE_OPTIONS (and TABLE_NAME when `table` is given).
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * @default - no description
   */
  readonly description?: string;
  /**
   * The table the function works on: its name goes into TABLE_NAME, and `grantTable`
   * grants on it. Nothing is granted until `grantTable` is called.
   * @default - no table
   */
  readonly table?: ITableV2;
  /**
   * Concurrent executions reserved for the function, which are also the most it may run.
   * @default - none reserved (the account's unreserved pool)
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * How long the function's logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * What happens to the log group when the function is removed. Logs are the only record
   * of who issued or changed what if the stack is deleted by mistake, and retention
   * already bounds their cost, so they outlive the stack by default.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * Where `functions/`, `package-lock.json` and `node_modules` are.
   * @default - the root of this repository
   */
  readonly projectRoot?: string;
  /**
   * Ship the offline IP database (ip2region's two data files, about 11 MB) beside the
   * bundle, for shared/kernel/places/ip-regions.ts: esbuild bundles code, not the files a
   * package reads at run time.
   * @default false
   */
  readonly ipDatabase?: boolean;
}

/** Where a bundle carries the IP database, relative to the task root (IP2REGION_DATA_DIR). */
export const IP_DATABASE_DIR = 'ip2region';
const IP_DATABASE_FILES = ['ip2region.db', 'ipv6wry.db'] as const;

/** Checked before anything is built: a wrong value would otherwise fail only at deploy time. */
const checkProps = (id: string, props: TraceSealFunctionProps, entry: string, memorySize: number, timeout: Duration): void => {
  const reserved = props.reservedConcurrentExecutions;
  if (!NAME_PATTERN.test(props.name)) {
    throw new Error(`TraceSealFunction ${id}: name must be a kebab-case folder name, got "${props.name}"`);
  }
  if (!existsSync(entry)) throw new Error(`TraceSealFunction ${id}: no handler at ${entry}`);
  if (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10_240) {
    throw new Error(`TraceSealFunction ${id}: memorySize must be an integer from 128 to 10240 MB`);
  }
  if (timeout.toMilliseconds() < 1000 || timeout.toSeconds() > 900) {
    throw new Error(`TraceSealFunction ${id}: timeout must be from 1 to 900 seconds`);
  }
  if (reserved !== undefined && (!Number.isInteger(reserved) || reserved < 1 || reserved > 10_000)) {
    throw new Error(`TraceSealFunction ${id}: reservedConcurrentExecutions must be an integer from 1 to 10000`);
  }
  const reservedNames = Object.keys(props.environment ?? {}).filter(
    (key) => key.startsWith('AWS_') || key === 'NODE_OPTIONS' || key === 'TABLE_NAME' || key === 'IP2REGION_DATA_DIR',
  );
  if (reservedNames.length > 0) {
    throw new Error(`TraceSealFunction ${id}: reserved environment variables ${reservedNames.join(', ')}`);
  }
};

/**
 * The function's log group and role, made first beside it in `scope` (the function needs
 * both when it is made). Until this construct extended NodejsFunction, all three were
 * children of a construct `id` (`{id}/LogGroup`, `{id}/Role`, `{id}/Function`): each keeps
 * the logical id it had there, so deployed functions are updated in place (a replacement
 * would hold reserved concurrency twice while both exist, and re-point the rotation
 * schedule, which then rotates at once) and retained log groups are not orphaned.
 */
const logGroupAndRole = (scope: Construct, id: string, props: TraceSealFunctionProps, formerPath: string[]) => {
  const logGroup = new LogGroup(scope, `${id}LogGroup`, {
    retention: props.logRetention ?? RetentionDays.ONE_MONTH,
    removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
  });
  pinLogicalId(logGroup, logicalIdAt([...formerPath, 'LogGroup', 'Resource']));
  const role = new Role(scope, `${id}Role`, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: `Runs the ${props.name} function of ${Stack.of(scope).stackName}`,
  });
  pinLogicalId(role, logicalIdAt([...formerPath, 'Role', 'Resource']));
  logGroup.grantWrite(role);
  // The grant made the role's inline policy, which every later grant extends.
  pinLogicalId(role.node.findChild('DefaultPolicy'), logicalIdAt([...formerPath, 'Role', 'DefaultPolicy', 'Resource']));
  return { logGroup, role };
};

const environmentOf = (props: TraceSealFunctionProps): Record<string, string> => ({
  ...props.environment,
  ...(props.table === undefined ? {} : { TABLE_NAME: props.table.tableName }),
  ...(props.ipDatabase === true ? { IP2REGION_DATA_DIR: IP_DATABASE_DIR } : {}),
  NODE_OPTIONS: '--enable-source-maps',
});

const bundlingOf = (ipDatabase: boolean): BundlingOptions => ({
  target: 'es2022',
  format: OutputFormat.CJS,
  minify: true,
  // UTF-8 output: the verify page's Chinese strings take 3 bytes a character instead
  // of a 6-byte \uXXXX escape each, and every cold start loads fewer bytes.
  charset: Charset.UTF8,
  sourceMap: true,
  // Bundle the AWS SDK too: the version is the one we test with, not whatever the
  // runtime ships, and esbuild keeps only what each function uses.
  externalModules: [],
  forceDockerBundling: false,
  ...(ipDatabase
    ? {
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => [
            `mkdir -p "${join(outputDir, IP_DATABASE_DIR)}"`,
            ...IP_DATABASE_FILES.map(
              (file) =>
                `cp "${join(inputDir, 'node_modules', 'ip2region', 'data', file)}" "${join(outputDir, IP_DATABASE_DIR, file)}"`,
            ),
          ],
        },
      }
    : {}),
});

/**
 * The one way this app makes a Lambda function: Node.js 24 on arm64 (Graviton: cheaper
 * per ms and no slower for this crypto-heavy Node code), bundled by the local esbuild
 * (no Docker), its own log group and its own role. The role starts with nothing but the
 * right to write to that log group (no AWSLambdaBasicExecutionRole, which would allow
 * creating any log group); every other permission is granted by a grant method:
 * `grantTable` here, the `grant…` methods of the other constructs.
 */
export class TraceSealFunction extends NodejsFunction {
  /** Narrowed from IRole: every TraceSealFunction has its own role. */
  declare public readonly role: Role;
  public readonly table?: ITableV2;
  /** Its folder under `functions/` (the `name` prop), which names it in tests and tools. */
  public readonly folderName: string;

  public constructor(scope: Construct, id: string, props: TraceSealFunctionProps) {
    const projectRoot = props.projectRoot ?? PROJECT_ROOT;
    const entry = join(projectRoot, 'functions', props.name, 'handler.ts');
    const memorySize = props.memorySize ?? 512;
    const timeout = props.timeout ?? Duration.seconds(10);
    const reserved = props.reservedConcurrentExecutions;
    checkProps(id, props, entry, memorySize, timeout);

    // The function keeps the logical id it had as `{id}/Function`, as its log group and role
    // keep theirs (logGroupAndRole says why).
    const formerPath = [...pathInStack(scope), id];
    const { logGroup, role } = logGroupAndRole(scope, id, props, formerPath);

    super(scope, id, {
      entry,
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize,
      timeout,
      description: props.description,
      role,
      logGroup,
      reservedConcurrentExecutions: reserved,
      projectRoot,
      depsLockFilePath: join(projectRoot, 'package-lock.json'),
      environment: environmentOf(props),
      bundling: bundlingOf(props.ipDatabase === true),
    });
    pinLogicalId(this, logicalIdAt([...formerPath, 'Function', 'Resource']));
    this.table = props.table;
    this.folderName = props.name;
  }

  /** Table permissions of the given level on the `table` prop; see TableAccess. */
  public grantTable(access: TableAccess): void {
    if (access === 'none') return;
    if (this.table === undefined) throw new Error(`TraceSealFunction ${this.node.id}: grantTable needs the table prop`);
    grantTable(this.table, this, access);
  }
}
