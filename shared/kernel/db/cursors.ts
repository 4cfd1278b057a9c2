/**
 * Opaque pagination cursors: callers never see or build keys. A cursor is the position a
 * listing stopped at (the LastEvaluatedKey of its query, or a position of its own), sealed
 * with an HMAC under a key only the service holds, over the position and everything the
 * listing was asked: its name, its partition, its filters and range, and, where several
 * callers read one partition, the caller. So a cursor comes back only to the very listing,
 * parameters and caller it was handed to; a forged, altered or truncated one, or one replayed
 * elsewhere, is refused before anything is read.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { cursorKey } from './cursor-key';

/**
 * A cursor that is not one the listing handed out. A store-level error with no HTTP in
 * it: shared/kernel/http/responses.ts maps it to 400 INVALID_CURSOR.
 */
export class InvalidCursorError extends Error {
  public constructor() {
    super('The cursor is not one this listing returned');
    this.name = 'InvalidCursorError';
  }
}

/**
 * What a cursor is bound to: the listing's name and every parameter that decides what it
 * lists (partition, filters, range, the caller), in a fixed order. Not the page size: a
 * caller may change it between pages.
 */
export interface CursorBinding {
  listing: string;
  parameters?: readonly unknown[];
}

/** A cursor is at most a few key values and a MAC; anything longer is not one of ours. */
export const MAX_CURSOR_LENGTH = 4096;
/** 128 bits of HMAC-SHA256: forging one is guessing it. */
const MAC_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const macOf = async (binding: CursorBinding, body: string): Promise<Buffer> =>
  createHmac('sha256', await cursorKey())
    // JSON keeps the fields apart: no two bindings (or bodies) share a MAC input.
    .update(JSON.stringify([binding.listing, binding.parameters ?? [], body]))
    .digest()
    .subarray(0, MAC_BYTES);

/** A position, sealed for one listing: `<base64url position>.<base64url MAC>`, URL-safe. */
export const sealCursor = async (binding: CursorBinding, position: string): Promise<string> => {
  const body = Buffer.from(position, 'utf8').toString('base64url');
  return `${body}.${(await macOf(binding, body)).toString('base64url')}`;
};

/** The position a cursor sealed for this listing holds; anything else is an InvalidCursorError, whatever it is. */
export const openCursor = async (cursor: string | undefined, binding: CursorBinding): Promise<string | undefined> => {
  if (cursor === undefined) return undefined;
  if (typeof cursor !== 'string' || cursor.length > MAX_CURSOR_LENGTH) throw new InvalidCursorError();
  const [body, mac, ...rest] = cursor.split('.');
  if (body === undefined || mac === undefined || rest.length > 0 || !BASE64URL.test(body) || !BASE64URL.test(mac)) {
    throw new InvalidCursorError();
  }
  // Compared as text: base64url's unused low bits make several spellings of one MAC.
  const given = Buffer.from(mac, 'utf8');
  const expected = Buffer.from((await macOf(binding, body)).toString('base64url'), 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new InvalidCursorError();
  return Buffer.from(body, 'base64url').toString('utf8');
};

/**
 * The exact key a listing's query hands back as LastEvaluatedKey: the table's key and, for
 * an index, the index's key too. `exact` holds the attributes whose value the query fixes
 * (its partition, or a constant sort key); `prefixed` the others, each with the prefix
 * its values carry. The cursor is bound to the listing, its parameters and its `exact` values.
 */
export interface CursorShape extends CursorBinding {
  exact: Record<string, string>;
  prefixed: Record<string, string>;
}

/** Well above any key we write, well below DynamoDB's own key limits (1,024 bytes for a sort key). */
const MAX_KEY_VALUE_BYTES = 512;

const bindingOf = (shape: CursorShape): CursorBinding => ({
  listing: shape.listing,
  parameters: [Object.entries(shape.exact).sort(([a], [b]) => (a < b ? -1 : 1)), ...(shape.parameters ?? [])],
});

export const encodeCursor = async (key: Record<string, unknown> | undefined, shape: CursorShape): Promise<string | undefined> =>
  key === undefined ? undefined : sealCursor(bindingOf(shape), JSON.stringify(key));

const isKeyValue = (value: unknown, prefix: string): value is string =>
  typeof value === 'string' &&
  value.length > prefix.length &&
  value.startsWith(prefix) &&
  Buffer.byteLength(value, 'utf8') <= MAX_KEY_VALUE_BYTES &&
  // Lone surrogates would reach DynamoDB as replacement characters: not a key we ever wrote.
  Buffer.from(value, 'utf8').toString('utf8') === value;

/**
 * The start key a cursor holds. A sealed cursor is one this listing wrote; its key is still
 * checked to be exactly the listing's shape, because DynamoDB rejects any other start key (a
 * missing or extra attribute, a number, an empty string, another partition, a key outside
 * the query's range) with a ValidationException, which would surface as a 500.
 */
export const decodeCursor = async (
  cursor: string | undefined,
  shape: CursorShape,
): Promise<Record<string, string> | undefined> => {
  const position = await openCursor(cursor, bindingOf(shape));
  if (position === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(position);
  } catch {
    throw new InvalidCursorError();
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InvalidCursorError();
  const key = value as Record<string, unknown>;
  const expected = new Set([...Object.keys(shape.exact), ...Object.keys(shape.prefixed)]);
  const names = Object.keys(key);
  const matches =
    names.length === expected.size &&
    names.every((name) => expected.has(name)) &&
    Object.entries(shape.exact).every(([name, want]) => key[name] === want) &&
    Object.entries(shape.prefixed).every(([name, prefix]) => isKeyValue(key[name], prefix));
  if (!matches) throw new InvalidCursorError();
  return key as Record<string, string>;
};
