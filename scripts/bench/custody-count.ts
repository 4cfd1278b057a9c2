/**
 * Counting what the custody part asks of DynamoDB. One middleware in the `initialize` step of the
 * module-scope document client sees every send() once (whatever the SDK retries; a second
 * one in `deserialize` counts HTTP attempts, so a retry would show), with the command name
 * from the handler context. On reads it also asks for ReturnConsumedCapacity=TOTAL, to show
 * the read capacity units beside the counts (DynamoDB Local's read units match DynamoDB's
 * rules; its write units for large transactions do not, so none are shown).
 */
import type { documentClient as DocumentClient } from '#kernel/db/dynamodb-client';

export type Tally = Record<string, number>;

export interface OpCount {
  /** send() calls: what the code asks for. */
  requests: number;
  byCommand: Tally;
  /** HTTP attempts, SDK retries included; equal to requests unless something was retried. */
  attempts: number;
  /** Items put, updated or deleted: TransactItems plus single and batch writes. */
  itemsWritten: number;
  writesByKind: Tally;
  /** Items asked for by key (GetItem, BatchGetItem), by kind of item. */
  keysRead: Tally;
  /** Query requests, by kind of item queried. */
  queries: Tally;
  /** Items that reads returned (found by key, or matched by a query). */
  itemsReturned: number;
  /** Read capacity units, as DynamoDB Local reports them. */
  readUnits: number;
}

const emptyCount = (): OpCount => ({
  requests: 0,
  byCommand: {},
  attempts: 0,
  itemsWritten: 0,
  writesByKind: {},
  keysRead: {},
  queries: {},
  itemsReturned: 0,
  readUnits: 0,
});

const bump = (tally: Tally, key: string, by = 1): void => {
  tally[key] = (tally[key] ?? 0) + by;
};

type Item = Record<string, unknown>;
const asItem = (value: unknown): Item => (typeof value === 'object' && value !== null ? (value as Item) : {});
const asItems = (value: unknown): Item[] => (Array.isArray(value) ? value.map(asItem) : []);

/** "ORG", "PRODUCT/LOT", "SUBJECT/STATE", "SUBJECT/CHAIN", "EVENT": the kind of an item by its key. */
const kindOf = (pk: unknown, sk: unknown, index?: unknown): string => {
  const head = (value: unknown) => (typeof value === 'string' ? (value.split('#')[0] ?? value) : '?');
  const p = head(pk);
  const s = sk === undefined ? '' : head(sk);
  const kind = s === '' || s === p ? p : `${p}/${s}`;
  return typeof index === 'string' ? `${index}:${kind}` : kind;
};

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);

let current = emptyCount();
let counting = false;

const recordRequest = (command: string, input: Item): void => {
  current.requests++;
  bump(current.byCommand, command);
  switch (command) {
    case 'GetItem': {
      const key = asItem(input.Key);
      bump(current.keysRead, kindOf(key.pk, key.sk));
      break;
    }
    case 'BatchGetItem':
      for (const request of Object.values(asItem(input.RequestItems))) {
        for (const key of asItems(asItem(request).Keys)) bump(current.keysRead, kindOf(key.pk, key.sk));
      }
      break;
    case 'Query': {
      const values = asItem(input.ExpressionAttributeValues);
      bump(current.queries, kindOf(values[':pk'], values[':prefix'], input.IndexName));
      break;
    }
    case 'PutItem': {
      const item = asItem(input.Item);
      current.itemsWritten++;
      bump(current.writesByKind, kindOf(item.pk, item.sk));
      break;
    }
    case 'UpdateItem':
    case 'DeleteItem': {
      const key = asItem(input.Key);
      current.itemsWritten++;
      bump(current.writesByKind, kindOf(key.pk, key.sk));
      break;
    }
    case 'BatchWriteItem':
      for (const requests of Object.values(asItem(input.RequestItems))) {
        for (const request of asItems(requests)) {
          const item = asItem(asItem(request.PutRequest).Item);
          const key = asItem(asItem(request.DeleteRequest).Key);
          current.itemsWritten++;
          bump(current.writesByKind, kindOf(item.pk ?? key.pk, item.sk ?? key.sk));
        }
      }
      break;
    case 'TransactWriteItems':
      for (const entry of asItems(input.TransactItems)) {
        const put = asItem(entry.Put);
        const written = entry.Put ?? entry.Update ?? entry.Delete;
        if (written === undefined) continue; // a ConditionCheck writes nothing
        const key = entry.Put === undefined ? asItem(asItem(written).Key) : asItem(put.Item);
        current.itemsWritten++;
        bump(current.writesByKind, kindOf(key.pk, key.sk));
      }
      break;
    default:
  }
};

const recordOutput = (command: string, output: Item): void => {
  if (command === 'GetItem') current.itemsReturned += output.Item === undefined ? 0 : 1;
  if (command === 'Query' || command === 'Scan') current.itemsReturned += Number(output.Count ?? 0);
  if (command === 'BatchGetItem') {
    for (const items of Object.values(asItem(output.Responses))) current.itemsReturned += asItems(items).length;
  }
  const consumed = Array.isArray(output.ConsumedCapacity) ? asItems(output.ConsumedCapacity) : [asItem(output.ConsumedCapacity)];
  current.readUnits += consumed.reduce((sum, c) => sum + Number(c.CapacityUnits ?? 0), 0);
};

let installed = false;

export const installCounter = (client: typeof DocumentClient): void => {
  if (installed) return;
  installed = true;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (!counting) return next(args);
      const command = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      recordRequest(command, asItem(args.input));
      const input = READS.has(command) ? { ...args.input, ReturnConsumedCapacity: 'TOTAL' } : args.input;
      const result = await next({ ...args, input });
      if (READS.has(command)) recordOutput(command, asItem(result.output));
      return result;
    },
    { step: 'initialize', name: 'benchCounter', override: true },
  );
  client.middlewareStack.add(
    (next) => async (args) => {
      if (counting) current.attempts++;
      return next(args);
    },
    { step: 'deserialize', name: 'benchAttemptCounter', override: true },
  );
};

/** Runs `call` with fresh counters and returns what it sent to DynamoDB. */
export const counted = async <T>(call: () => Promise<T>): Promise<{ value: T; count: OpCount; ms: number }> => {
  current = emptyCount();
  counting = true;
  const t0 = performance.now();
  try {
    const value = await call();
    return { value, count: current, ms: performance.now() - t0 };
  } finally {
    counting = false;
  }
};

/** Same requests, same keys read, same items returned and written (capacity units aside). */
export const sameRequests = (a: OpCount, b: OpCount): boolean =>
  JSON.stringify([a.byCommand, a.keysRead, a.queries, a.itemsReturned, a.itemsWritten, a.writesByKind]) ===
  JSON.stringify([b.byCommand, b.keysRead, b.queries, b.itemsReturned, b.itemsWritten, b.writesByKind]);
