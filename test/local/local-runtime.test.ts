import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listLocalKeyFiles } from '#kernel/keys/file-signing-keys';
import { findFreePort } from '../../scripts/local/dynamodb-local';
import { startLocalRuntime } from '../../scripts/local/runtime';

/**
 * `npm start`'s runtime with its own DynamoDB Local persisting under DATA_DIR: a restart
 * keeps every batch and key, and stopping leaves no java process behind.
 */
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const javaProcessesFor = (dataDir: string): number => {
  const out = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes('DynamoDBLocal') && line.includes(dataDir)).length;
};

describe('local runtime with persistence', () => {
  it('keeps data across a restart, keys are 0600, its directories 0700, and no java outlives stop()', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'traceseal-runtime-'));
    dirs.push(dataDir);
    const tableName = `persist-${Date.now()}`;
    const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB;
    // Like one Lambda container, this process keeps its DynamoDB client: the restarted
    // database must come back where the client expects it.
    const dynamoPort = await findFreePort();

    const startedAt = Date.now();
    delete process.env.AUDIT_LOG_START;
    const first = await startLocalRuntime({ port: 0, dataDir, tableName, dynamoPort, auditLogStartsWithTable: true });
    expect(javaProcessesFor(dataDir)).toBe(1);
    // Nothing is recorded in npm start's table before it creates it: its audit log starts
    // there, so a first checkpoint reads a day of the time index rather than every day since 2026.
    const logStart = Date.parse(process.env.AUDIT_LOG_START ?? '');
    expect(logStart).toBeGreaterThanOrEqual(startedAt - 1000);
    expect(logStart).toBeLessThanOrEqual(Date.now());
    const { seedDemoData } = await import('../../scripts/local/seed');
    const { data } = await seedDemoData(dataDir, first.url);
    const before = await fetch(data.demoCodeUri, { headers: { accept: 'application/json' } });
    expect(((await before.json()) as { status: string }).status).toBe('genuine');
    await first.stop();
    expect(javaProcessesFor(dataDir)).toBe(0);

    const firstLogStart = process.env.AUDIT_LOG_START;
    delete process.env.AUDIT_LOG_START;
    const second = await startLocalRuntime({ port: 0, dataDir, tableName, dynamoPort, auditLogStartsWithTable: true });
    // A restart keeps the table, and with it where the log starts.
    expect(process.env.AUDIT_LOG_START).toBe(firstLogStart);
    try {
      // The code printed before the restart names the old port; its path is what matters.
      const path = new URL(data.demoCodeUri);
      const after = await fetch(`${second.url}${path.pathname}${path.search}`, { headers: { accept: 'application/json' } });
      expect(((await after.json()) as { status: string }).status).toBe('genuine');
      const keys = await listLocalKeyFiles(join(dataDir, 'keys'));
      expect(keys).toHaveLength(1);
      expect((await stat(keys[0]?.file ?? '')).mode & 0o777).toBe(0o600);
      // DynamoDB Local's files (the per-product serial keys among them) are the owner's alone.
      expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
      expect((await stat(join(dataDir, 'dynamodb'))).mode & 0o777).toBe(0o700);
    } finally {
      await second.stop();
      process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
    }
    expect(javaProcessesFor(dataDir)).toBe(0);
    // Two JVM starts and stops: generous, since the two cores are shared with other tests.
  }, 180_000);
});
