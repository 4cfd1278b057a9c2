import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * One running service per DATA_DIR. Two would each start a DynamoDB Local on the same files
 * (and the same signing keys, scan log and witness): a lock file in DATA_DIR names the process
 * that holds it. A lock whose process is gone (a crash, a kill -9, a machine restart) is taken
 * over with a message, after stopping the DynamoDB Local it left behind, if any is still running.
 */
export const LOCK_FILE = 'traceseal.lock';
/** `npm start`'s exit status when DATA_DIR is in use by a live instance (sysexits' EX_TEMPFAIL: try again later). */
export const EXIT_DATA_DIR_IN_USE = 75;

export interface LockHolder {
  pid: number;
  /** When the process started, as the system reports it: tells a live holder from a reused pid. */
  processStart: string | null;
  since: string;
  url?: string;
  dynamo?: { pid: number; dbPath: string };
}

export class DataDirInUseError extends Error {
  public constructor(
    public readonly dataDir: string,
    public readonly holder: Pick<LockHolder, 'pid'> & Partial<LockHolder>,
    what = `another TraceSeal (process ${holder.pid}, started ${holder.since}${holder.url === undefined ? '' : `, serving ${holder.url}`})`,
  ) {
    super(
      `DATA_DIR ${dataDir} is in use by ${what}. Stop it first (Ctrl-C in its terminal, or kill ${holder.pid}), ` +
        'or start this one with another DATA_DIR.',
    );
  }
}

/**
 * A DynamoDB Local already running on `dbPath` that no lock names: one left by a version that
 * kept no lock and did not stop its database with the terminal. Starting a second database on
 * the same files would corrupt them, so the start is refused, naming the process to stop.
 */
export const assertNoDatabaseOn = (dataDir: string, dbPath: string): void => {
  const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  if (ps.status !== 0) return;
  for (const line of ps.stdout.split('\n')) {
    const [, pid, args] = /^\s*(\d+)\s+(.*)$/.exec(line) ?? [];
    if (pid === undefined || args === undefined) continue;
    if (args.includes('DynamoDBLocal') && args.split(' ').includes(dbPath) && isRunning(Number(pid))) {
      throw new DataDirInUseError(dataDir, { pid: Number(pid) }, `a DynamoDB Local (process ${pid}) left running on ${dbPath}`);
    }
  }
};

/** The start time of process `pid` as the system records it; null when it cannot be read (or it is gone). */
export const processStartTime = (pid: number): string | null => {
  if (process.platform === 'linux') {
    try {
      // Field 22 of /proc/<pid>/stat, counted after the command name, which may hold spaces.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
    } catch {
      return null;
    }
  }
  const ps = spawnSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8' });
  const out = ps.status === 0 ? ps.stdout.trim() : '';
  return out === '' ? null : out;
};

/** Whether process `pid` runs: it exists (EPERM: someone else's) and, where /proc tells, is not a zombie awaiting its reaper. */
export const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
};

/** Whether the holder of a lock still runs: its pid is alive and is the same process (same start time). */
export const holderIsAlive = (holder: LockHolder): boolean => {
  if (!isRunning(holder.pid)) return false;
  if (holder.processStart === null) return true;
  const now = processStartTime(holder.pid);
  return now === null || now === holder.processStart;
};

const parseHolder = (text: string): LockHolder | undefined => {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    return typeof value.pid === 'number' && Number.isInteger(value.pid) && value.pid > 0
      ? {
          pid: value.pid,
          processStart: typeof value.processStart === 'string' ? value.processStart : null,
          since: String(value.since ?? 'at an unknown time'),
          ...(typeof value.url === 'string' ? { url: value.url } : {}),
          ...(value.dynamo !== undefined ? { dynamo: value.dynamo } : {}),
        }
      : undefined;
  } catch {
    return undefined;
  }
};

/** The command line of `pid`, or '' when it is gone or cannot be read. */
const commandLineOf = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    const ps = spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });
    return ps.status === 0 ? ps.stdout : '';
  }
};

/**
 * The DynamoDB Local a dead holder left running (from before the database watched its parent,
 * or a JVM that did not get to): stopped only when its pid is still that very database on this
 * DATA_DIR, so a reused pid is never signalled.
 */
const stopLeftoverDatabase = async (holder: LockHolder, log: (message: string) => void): Promise<void> => {
  const dynamo = holder.dynamo;
  if (dynamo === undefined || !isRunning(dynamo.pid)) return;
  const args = commandLineOf(dynamo.pid);
  if (!args.includes('DynamoDBLocal') || !args.includes(dynamo.dbPath)) return;
  log(`Stopping the DynamoDB Local (process ${dynamo.pid}) that process ${holder.pid} left running on ${dynamo.dbPath}.`);
  try {
    process.kill(-dynamo.pid, 'SIGKILL');
  } catch {
    // gone meanwhile
  }
  // SIGKILL cannot be refused: wait only for the kernel to reap it.
  for (let i = 0; i < 200 && isRunning(dynamo.pid); i++) await new Promise((r) => setTimeout(r, 50));
};

export interface DataDirLock {
  /** Adds what the holder serves to the lock, for the message another start prints. */
  update(details: Pick<LockHolder, 'url' | 'dynamo'>): Promise<void>;
  release(): Promise<void>;
}

/**
 * Takes DATA_DIR for this process, or throws DataDirInUseError naming the live holder. The
 * lock is created with O_EXCL (link of a file written beside it), so of two starts racing for
 * a free DATA_DIR exactly one wins; a stale lock is moved aside before the retry, and put back
 * if what was moved turns out to be a live holder's that replaced it meanwhile.
 */
export const acquireDataDirLock = async (
  dataDir: string,
  log: (message: string) => void = console.warn,
): Promise<DataDirLock> => {
  const path = join(dataDir, LOCK_FILE);
  let holder: LockHolder = {
    pid: process.pid,
    processStart: processStartTime(process.pid),
    since: new Date().toISOString(),
  };
  const write = async (target: string) => writeFile(target, `${JSON.stringify(holder)}\n`, { mode: 0o600 });
  const staging = `${path}.${process.pid}`;
  await write(staging);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(staging, path);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw error;
      }
      const text = await readFile(path, 'utf8').catch(() => '');
      const current = parseHolder(text);
      if (current !== undefined && holderIsAlive(current)) throw new DataDirInUseError(dataDir, current);
      const aside = `${path}.stale.${process.pid}`;
      await rename(path, aside).catch(() => undefined);
      const moved = await readFile(aside, 'utf8').catch(() => undefined);
      if (moved !== undefined && moved !== text) {
        // Another start took the DATA_DIR between our read and the move: give it back.
        await link(aside, path).catch(() => undefined);
        await rm(aside, { force: true });
        const winner = parseHolder(moved);
        if (winner !== undefined) throw new DataDirInUseError(dataDir, winner);
        continue;
      }
      await rm(aside, { force: true });
      if (current !== undefined) {
        log(
          `DATA_DIR ${dataDir} was left locked by process ${current.pid} (started ${current.since}), which is no longer running: taking it over.`,
        );
        await stopLeftoverDatabase(current, log);
      }
    }
  } finally {
    await rm(staging, { force: true });
  }
  let released = false;
  return {
    update: async (details) => {
      holder = { ...holder, ...details };
      await write(staging);
      // rename over our own lock: readers see the old or the new content, never a missing file.
      await rename(staging, path);
    },
    release: async () => {
      if (released) return;
      released = true;
      const current = parseHolder(await readFile(path, 'utf8').catch(() => ''));
      if (current?.pid === process.pid) await rm(path, { force: true });
    },
  };
};
