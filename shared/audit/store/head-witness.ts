/**
 * The witness of signed tree heads: a place the table's writers cannot change, where every
 * head is published before the table holds it. In AWS an S3 bucket with Object Lock in
 * COMPLIANCE mode (HEAD_WITNESS_BUCKET): each head is a new object, written only if absent,
 * that nobody (not the root user) can delete or overwrite while its retention runs. Locally
 * an append-only file (HEAD_WITNESS_FILE, DATA_DIR/audit/heads.jsonl, opened O_APPEND).
 *
 * The checkpointer proves each new head consistent with the newest witnessed one before it
 * signs, and verify-export checks an export's head against them, so a rewrite of the table
 * (events, leaves and chunk roots alike) is never signed again nor passes as intact.
 *
 * A head's object key sorts newest first (largest size, then latest time), so the newest is
 * one LIST of one key and the heads of one size one LIST of a prefix. What is read back is
 * only the JWS: callers verify its signature and take the head from its claims, so an
 * object someone put with the checkpointer's rights but without the signing key counts for
 * nothing.
 */
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getOptionalStringFromEnv } from '#kernel/config';
import { AppError } from '#kernel/errors';

export interface WitnessedHead {
  treeSize: number;
  timestamp: string;
  /** The compact JWS of the head, as signed. */
  signedHead: string;
}

/** A refusal to sign, kept beside the heads where the table's writers cannot remove it. */
export interface WitnessAlarm {
  /** The same for every refusal over the same witnessed head, so a retried run adds no second alarm object. */
  id: string;
  at: string;
  code: string;
  message: string;
  witnessedTreeSize: number;
  tableTreeSize: number;
}

const SIZE_DIGITS = 16;
const TIME_DIGITS = 13;
const HEADS_PREFIX = 'heads/';
const ALARMS_PREFIX = 'alarms/';

// In BigInt: 10^16 - 1 - n is past a double's exact integers, where sizes 7, 8 and 9 would share one key.
const inverted = (value: number, digits: number): string =>
  (10n ** BigInt(digits) - 1n - BigInt(value)).toString().padStart(digits, '0');
const uninverted = (digitsText: string): number => Number(10n ** BigInt(digitsText.length) - 1n - BigInt(digitsText));
const sizePrefix = (treeSize: number) => `${HEADS_PREFIX}${inverted(treeSize, SIZE_DIGITS)}-`;
/** `heads/<10^16-1-size>-<10^13-1-ms>.jws`: ascending key order is newest head first. */
export const witnessKey = (head: Pick<WitnessedHead, 'treeSize' | 'timestamp'>): string =>
  `${sizePrefix(head.treeSize)}${inverted(Date.parse(head.timestamp), TIME_DIGITS)}.jws`;

const sizeOfKey = (key: string): number | undefined => {
  const match = /^heads\/(\d{16})-(\d{13})\.jws$/.exec(key);
  return match?.[1] === undefined ? undefined : uninverted(match[1]);
};

let s3: S3Client | undefined;
const client = () => (s3 ??= new S3Client({}));
const bucket = () => getOptionalStringFromEnv('HEAD_WITNESS_BUCKET');
const file = (): string => {
  const path = getOptionalStringFromEnv('HEAD_WITNESS_FILE');
  if (path === undefined) {
    throw new AppError(500, 'CONFIGURATION_ERROR', 'Neither HEAD_WITNESS_BUCKET nor HEAD_WITNESS_FILE is set');
  }
  return path;
};

/** Appends one JSON line with O_APPEND: the file is only ever added to. */
const appendLine = async (record: Record<string, unknown>): Promise<void> => {
  const path = file();
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const handle = await open(path, 'a', 0o600);
  try {
    await handle.appendFile(`${JSON.stringify(record)}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
};

const fileRecords = async (): Promise<Record<string, unknown>[]> => {
  const text = await readFile(file(), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        // A torn last line (a crash mid-write) is no head.
        return [];
      }
    });
};

/** Publishes a signed head; never overwrites one (a second head of the same key is refused). */
export const witnessHead = async (head: WitnessedHead): Promise<void> => {
  const name = bucket();
  if (name === undefined) {
    await appendLine({ type: 'head', treeSize: head.treeSize, timestamp: head.timestamp, signedHead: head.signedHead });
    return;
  }
  await client().send(
    new PutObjectCommand({
      Bucket: name,
      Key: witnessKey(head),
      Body: head.signedHead,
      ContentType: 'application/jwt',
      IfNoneMatch: '*',
      // Object Lock needs an integrity checksum on every put.
      ChecksumAlgorithm: 'SHA256',
    }),
  );
};

const readObject = async (name: string, key: string): Promise<string> => {
  const { Body } = await client().send(new GetObjectCommand({ Bucket: name, Key: key }));
  return (await Body?.transformToString('utf8')) ?? '';
};

/**
 * Witnessed heads, newest first (largest size, then latest), at most `limit`; only those of
 * `treeSize` when given. Signatures are the caller's to check.
 */
export const witnessedHeads = async (input: { limit: number; treeSize?: number }): Promise<WitnessedHead[]> => {
  const name = bucket();
  if (name === undefined) {
    const heads = (await fileRecords())
      .filter((r) => r.type === 'head' && Number.isSafeInteger(r.treeSize) && typeof r.signedHead === 'string')
      .map((r) => ({ treeSize: r.treeSize as number, timestamp: String(r.timestamp), signedHead: r.signedHead as string }))
      .filter((h) => input.treeSize === undefined || h.treeSize === input.treeSize);
    heads.sort((a, b) => b.treeSize - a.treeSize || b.timestamp.localeCompare(a.timestamp));
    return heads.slice(0, input.limit);
  }
  const { Contents } = await client().send(
    new ListObjectsV2Command({
      Bucket: name,
      Prefix: input.treeSize === undefined ? HEADS_PREFIX : sizePrefix(input.treeSize),
      MaxKeys: input.limit,
    }),
  );
  const keys = (Contents ?? []).map((o) => o.Key ?? '').filter((key) => sizeOfKey(key) !== undefined);
  return Promise.all(
    keys.map(async (key) => {
      const signedHead = (await readObject(name, key)).trim();
      const ms = uninverted(key.slice(-17, -4));
      return { treeSize: sizeOfKey(key) as number, timestamp: new Date(ms).toISOString(), signedHead };
    }),
  );
};

/** Records a refusal where the table's writers cannot remove it (an object under `alarms/`, or a line of the file). */
export const witnessAlarm = async (alarm: WitnessAlarm): Promise<void> => {
  const name = bucket();
  if (name === undefined) {
    if (!(await fileRecords()).some((r) => r.type === 'alarm' && r.id === alarm.id))
      await appendLine({ type: 'alarm', ...alarm });
    return;
  }
  try {
    await client().send(
      new PutObjectCommand({
        Bucket: name,
        Key: `${ALARMS_PREFIX}${alarm.id}.json`,
        Body: JSON.stringify(alarm),
        ContentType: 'application/json',
        IfNoneMatch: '*',
        ChecksumAlgorithm: 'SHA256',
      }),
    );
  } catch (error) {
    // Refused again for the same reason: the first alarm stands, locked.
    if ((error as { name?: string }).name !== 'PreconditionFailed') throw error;
  }
};
