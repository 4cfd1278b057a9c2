import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { MAX_SEQUENCE } from '../codes/serial';
import { canonicalElementString, type SigningKey } from '../codes/signature';

/**
 * ES256 signing on every core: a pool of worker threads, each making and signing whole chunks
 * of codes. A chunk is one message (a serial key and a range of sequence numbers in, a thousand
 * serials and AI 8030 values back), so messaging costs a fraction of a percent of the signing,
 * and the main thread stays free to write earlier chunks to DynamoDB. The serials are made in
 * the threads too: on the main thread their HMACs (about a tenth of a signature each) competed
 * with the signing threads for the same cores and held the pool to 0.6 of raw `crypto.sign`.
 *
 * The worker's source is inline (eval) rather than a file: it then runs unchanged under tsx,
 * vitest and the esbuild bundle a Lambda function gets, none of which agree on how to load a
 * TypeScript worker file. It repeats serial.ts's encoding (Feistel permutation, HMAC check,
 * Crockford base32) and signature.ts's signing (low-S, P1363, base64url); the unit test checks
 * that every serial equals createSerialCodec's and every value verifies and is low-S.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { sign, createHmac } = require('node:crypto');
// Byte arithmetic, not BigInt: a BigInt per signature cost 5 % of the signing.
const N = Buffer.from('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551', 'hex');
const HALF = Buffer.from('7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8', 'hex');
const lowS = (sig) => {
  const s = sig.subarray(32);
  if (Buffer.compare(s, HALF) <= 0) return sig;
  const out = Buffer.from(sig);
  let borrow = 0;
  for (let i = 31; i >= 0; i--) {
    const d = N[i] - s[i] - borrow;
    borrow = d < 0 ? 1 : 0;
    out[32 + i] = d & 0xff;
  }
  return out;
};
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const base32 = (value, length) => {
  let out = '';
  for (let i = 0; i < length; i++) { out = ALPHABET[value % 32] + out; value = Math.floor(value / 32); }
  return out;
};
const HALF_BITS = 2 ** 25;
const round = (half, key) => {
  let x = (half ^ key) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  x ^= x >>> 16;
  return (x >>> 0) & (HALF_BITS - 1);
};
const codecs = new Map();
const codecOf = (serialKey) => {
  const id = Buffer.from(serialKey).toString('hex');
  let codec = codecs.get(id);
  if (codec === undefined) {
    const material = createHmac('sha256', serialKey).update('traceseal/serial/feistel').digest();
    const roundKeys = [0, 1, 2, 3].map((i) => material.readUInt32BE(i * 4));
    const sequenceBytes = Buffer.allocUnsafe(8);
    codec = (sequence) => {
      let left = Math.floor(sequence / HALF_BITS);
      let right = sequence % HALF_BITS;
      for (const key of roundKeys) [left, right] = [right, left ^ round(right, key)];
      sequenceBytes.writeBigUInt64BE(BigInt(sequence));
      const check = createHmac('sha256', serialKey).update(sequenceBytes).digest().readUInt32BE(0) >>> 2;
      return base32(left * HALF_BITS + right, 10) + base32(check, 6);
    };
    if (codecs.size > 64) codecs.clear();
    codecs.set(id, codec);
  }
  return codec;
};
parentPort.on('message', ({ id, key, kid, prefix, serialKey, first, count }) => {
  try {
    const encode = codecOf(serialKey);
    const serials = new Array(count);
    const values = new Array(count);
    for (let i = 0; i < count; i++) {
      const serial = encode(first + i);
      serials[i] = serial;
      const signature = sign('sha256', Buffer.from(prefix + serial, 'utf8'), { key, dsaEncoding: 'ieee-p1363' });
      values[i] = kid + lowS(signature).toString('base64url');
    }
    parentPort.postMessage({ id, serials, values });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
});
`;

/** Serials and AI 8030 values of one chunk, in sequence order. */
export interface SignedChunk {
  serials: string[];
  digsigs: string[];
}

interface Task {
  id: number;
  prefix: string;
  serialKey: Uint8Array;
  first: number;
  count: number;
  key: SigningKey;
  resolve(chunk: SignedChunk): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  busy: Map<number, Task>;
}

export interface SigningPool {
  readonly size: number;
  /**
   * The codes of sequence numbers `first` to `first + count - 1` of one lot: their serials
   * (serial.ts's encoding under `serialKey`) and AI 8030 values, in order.
   */
  issueChunk(
    key: SigningKey,
    identity: { gtin: string; lot: string },
    serialKey: Uint8Array,
    first: number,
    count: number,
  ): Promise<SignedChunk>;
  close(): Promise<void>;
}

/** Two tasks queued per worker, so a thread never waits for the main thread between chunks. */
const DEPTH = 2;

type WorkerReply = { id: number; serials?: string[]; values?: string[]; error?: string };

/** A thread's answer settles the task it names: its codes, or why it could not sign them. */
const settle = (slot: Slot, reply: WorkerReply): void => {
  const task = slot.busy.get(reply.id);
  slot.busy.delete(reply.id);
  if (task === undefined) return;
  if (reply.values !== undefined && reply.serials !== undefined) task.resolve({ serials: reply.serials, digsigs: reply.values });
  else task.reject(new Error(`Signing failed: ${reply.error ?? 'unknown'}`));
};

/** Hands queued tasks to a thread up to DEPTH; a thread with work keeps the process alive, an idle one never holds it open. */
const feed = (slot: Slot, queue: Task[]): void => {
  while (slot.busy.size < DEPTH && queue.length > 0) {
    const task = queue.shift() as Task;
    slot.busy.set(task.id, task);
    const { id, prefix, serialKey, first, count } = task;
    slot.worker.postMessage({ id, key: task.key.privateKey, kid: task.key.kid, prefix, serialKey, first, count });
  }
  if (slot.busy.size > 0) slot.worker.ref();
  else slot.worker.unref();
};

const isSequenceRange = (first: number, count: number): boolean =>
  Number.isSafeInteger(first) && Number.isSafeInteger(count) && first >= 0 && count >= 0 && first + count - 1 <= MAX_SEQUENCE;

export const createSigningPool = (size = availableParallelism()): SigningPool => {
  const slots: Slot[] = [];
  const queue: Task[] = [];
  let nextId = 0;
  let closed = false;

  const fail = (slot: Slot, error: Error) => {
    for (const task of slot.busy.values()) task.reject(error);
    slot.busy.clear();
    const at = slots.indexOf(slot);
    if (at >= 0) slots.splice(at, 1);
  };
  const pump = () => {
    for (const slot of slots) feed(slot, queue);
  };
  const spawn = (): Slot => {
    const slot: Slot = { worker: new Worker(WORKER_SOURCE, { eval: true }), busy: new Map() };
    slot.worker.unref();
    slot.worker.on('message', (reply: WorkerReply) => {
      settle(slot, reply);
      pump();
    });
    slot.worker.on('error', (error) => fail(slot, error));
    slot.worker.on('exit', () => fail(slot, new Error('A signing thread stopped')));
    slots.push(slot);
    return slot;
  };

  return {
    size,
    issueChunk: (key, identity, serialKey, first, count) =>
      new Promise<SignedChunk>((resolve, reject) => {
        if (closed) return reject(new Error('The signing pool is closed'));
        if (!isSequenceRange(first, count))
          return reject(new RangeError(`Chunk ${first}+${count} is not a range of sequence numbers`));
        while (slots.length < size) spawn();
        // The serial comes last in the element string, so the thread appends it to this.
        const prefix = canonicalElementString({ gtin: identity.gtin, lot: identity.lot, serial: '' });
        queue.push({ id: nextId++, prefix, serialKey, first, count, key, resolve, reject });
        pump();
      }),
    close: async () => {
      closed = true;
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    },
  };
};

let shared: SigningPool | undefined;

/** The process's pool, made on first use; threads idle without holding the process open. */
export const sharedSigningPool = (): SigningPool => {
  shared ??= createSigningPool();
  return shared;
};
