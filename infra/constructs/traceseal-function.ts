import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

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
   * Environment variables, in addition to NODE_OPTIONS.
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * @default - no description
   */
  readonly description?: string;
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
}

/**
 * The one way this app makes a Lambda function: Node.js 24 on arm64 (Graviton: cheaper
 * per ms and no slower for this crypto-heavy Node code), bundled by the local esbuild
 * (no Docker), its own log group and its own role. The role starts with nothing but the
 * right to write to that log group (no AWSLambdaBasicExecutionRole, which would allow
 * creating any log group); every other permission is granted per function by the stack.
 */
export class TraceSealFunction extends Construct {
  public readonly fn: NodejsFunction;
  public readonly logGroup: LogGroup;
  public readonly role: Role;

  public constructor(scope: Construct, id: string, props: TraceSealFunctionProps) {
    super(scope, id);
    const projectRoot = props.projectRoot ?? PROJECT_ROOT;
    const entry = join(projectRoot, 'functions', props.name, 'handler.ts');
    const memorySize = props.memorySize ?? 512;
    const timeout = props.timeout ?? Duration.seconds(10);

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
    const reserved = Object.keys(props.environment ?? {}).filter((key) => key.startsWith('AWS_') || key === 'NODE_OPTIONS');
    if (reserved.length > 0) throw new Error(`TraceSealFunction ${id}: reserved environment variables ${reserved.join(', ')}`);

    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${props.name} function of ${Stack.of(this).stackName}`,
    });
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry,
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize,
      timeout,
      description: props.description,
      role: this.role,
      logGroup: this.logGroup,
      projectRoot,
      depsLockFilePath: join(projectRoot, 'package-lock.json'),
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      bundling: {
        target: 'es2022',
        format: OutputFormat.CJS,
        minify: true,
        sourceMap: true,
        // Bundle the AWS SDK too: the version is the one we test with, not whatever the
        // runtime ships, and esbuild keeps only what each function uses.
        externalModules: [],
        forceDockerBundling: false,
      },
    });
  }
}
