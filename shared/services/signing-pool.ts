import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { canonicalElementString, type SigningKey } from '#shared/codes/signature';

/**
 * ES256 signing on every core: a pool of worker threads, each signing whole chunks of codes.
 * A chunk is one message (a thousand element strings out, a thousand AI 8030 values back), so
 * messaging costs a fraction of a percent of the signing itself, and the main thread stays free
 * to write the previous chunks to DynamoDB meanwhile.
 *
 * The worker's source is inline (eval) rather than a file: it then runs unchanged under tsx,
 * vitest and the esbuild bundle a Lambda function gets, none of which agree on how to load a
 * TypeScript worker file. It repeats signature.ts's signing (low-S, P1363, base64url); the unit
 * test checks that every value it makes verifies and is low-S as signCode's are.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { sign } = require('node:crypto');
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const HALF = N >> 1n;
const lowS = (sig) => {
  const s = BigInt('0x' + sig.subarray(32).toString('hex'));
  if (s <= HALF) return sig;
  const out = Buffer.from(sig);
  Buffer.from((N - s).toString(16).padStart(64, '0'), 'hex').copy(out, 32);
  return out;
};
parentPort.on('message', ({ id, key, kid, messages }) => {
  try {
    const values = messages.map((m) => kid + lowS(sign('sha256', Buffer.from(m, 'utf8'), { key, dsaEncoding: 'ieee-p1363' })).toString('base64url'));
    parentPort.postMessage({ id, values });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
});
`;

interface Task {
  id: number;
  messages: string[];
  key: SigningKey;
  resolve(values: string[]): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  busy: Map<number, Task>;
}

export interface SigningPool {
  readonly size: number;
  /** AI 8030 values for `serials` of one lot, in order. */
  signSerials(key: SigningKey, identity: { gtin: string; lot: string }, serials: readonly string[]): Promise<string[]>;
  close(): Promise<void>;
}

/** Two tasks queued per worker, so a thread never waits for the main thread between chunks. */
const DEPTH = 2;

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
  const spawn = (): Slot => {
    const slot: Slot = { worker: new Worker(WORKER_SOURCE, { eval: true }), busy: new Map() };
    slot.worker.unref();
    slot.worker.on('message', (reply: { id: number; values?: string[]; error?: string }) => {
      const task = slot.busy.get(reply.id);
      slot.busy.delete(reply.id);
      if (task !== undefined) {
        if (reply.values !== undefined) task.resolve(reply.values);
        else task.reject(new Error(`Signing failed: ${reply.error ?? 'unknown'}`));
      }
      pump();
    });
    slot.worker.on('error', (error) => fail(slot, error));
    slot.worker.on('exit', () => fail(slot, new Error('A signing thread stopped')));
    slots.push(slot);
    return slot;
  };
  const pump = () => {
    for (const slot of slots) {
      while (slot.busy.size < DEPTH && queue.length > 0) {
        const task = queue.shift() as Task;
        slot.busy.set(task.id, task);
        slot.worker.postMessage({ id: task.id, key: task.key.privateKey, kid: task.key.kid, messages: task.messages });
      }
      // A thread with work keeps the process alive; an idle one never holds it open.
      if (slot.busy.size > 0) slot.worker.ref();
      else slot.worker.unref();
    }
  };

  return {
    size,
    signSerials: (key, identity, serials) =>
      new Promise<string[]>((resolve, reject) => {
        if (closed) return reject(new Error('The signing pool is closed'));
        while (slots.length < size) spawn();
        const messages = serials.map((serial) => canonicalElementString({ gtin: identity.gtin, lot: identity.lot, serial }));
        queue.push({ id: nextId++, messages, key, resolve, reject });
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
