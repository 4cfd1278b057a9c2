import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '#kernel/roles';
import { type LocalRuntime, startLocalRuntime } from '../../scripts/local/runtime';

/**
 * The real local service for a test file: the gateway on a free port, the real handlers,
 * and the shared DynamoDB Local with this file's own table and key directory.
 */
export interface TestService {
  runtime: LocalRuntime;
  url: string;
  token(orgId: string, role: Role): Promise<string>;
  /** fetch against the service, with JSON body and bearer token when given. */
  call(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  stop(): Promise<void>;
}

export interface TestServiceOptions {
  /** The gateway believes CloudFront-Viewer-* headers sent to it, to simulate places (`npm start` with TRACESEAL_SIMULATE_VIEWER_LOCATION=1). */
  simulateViewerLocation?: boolean;
}

export const startTestService = async (options: TestServiceOptions = {}): Promise<TestService> => {
  const dataDir = await mkdtemp(join(tmpdir(), 'traceseal-test-'));
  const runtime = await startLocalRuntime({
    port: 0,
    dataDir,
    dynamoEndpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB,
    tableName: process.env.TABLE_NAME,
    simulateViewerLocation: options.simulateViewerLocation === true,
  });
  return {
    runtime,
    url: runtime.url,
    token: (orgId, role) => runtime.issuer.issueToken({ orgId, role }),
    call: (method, path, options = {}) =>
      fetch(`${runtime.url}${path}`, {
        method,
        headers: {
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
          ...options.headers,
        },
        body:
          options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
      }),
    stop: async () => {
      await runtime.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
};

/** The usual start of a test file: the service, and an admin token to register organizations. */
export const startTestServiceWithAdmin = async (
  options: TestServiceOptions = {},
): Promise<{ service: TestService; adminToken: string }> => {
  const service = await startTestService(options);
  return { service, adminToken: await service.token('ops-admin', 'admin') };
};
