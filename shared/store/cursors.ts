/**
 * Opaque pagination cursors: callers never see or build keys. A cursor is the
 * LastEvaluatedKey of a listing's query, and must come back to the very same listing.
 */

/**
 * A cursor that is not one the listing handed out. A store-level error with no HTTP in
 * it: shared/http/responses.ts maps it to 400 INVALID_CURSOR.
 */
export class InvalidCursorError extends Error {
  public constructor() {
    super('The cursor is not one this listing returned');
    this.name = 'InvalidCursorError';
  }
}

export const encodeCursor = (key: Record<string, unknown> | undefined): string | undefined =>
  key === undefined ? undefined : Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

/**
 * The exact key a listing's query hands back as LastEvaluatedKey: the table's key and, for
 * an index, the index's key too. `exact` holds the attributes whose value the query fixes
 * (its partition, or a constant sort key); `prefixed` the others, each with the prefix
 * its values carry.
 */
export interface CursorShape {
  exact: Record<string, string>;
  prefixed: Record<string, string>;
}

/** Well above any key we write, well below DynamoDB's own key limits (1,024 bytes for a sort key). */
const MAX_KEY_VALUE_BYTES = 512;
/** A cursor is at most four such values in JSON; anything longer is not one of ours. */
export const MAX_CURSOR_LENGTH = 4096;

const isKeyValue = (value: unknown, prefix: string): value is string =>
  typeof value === 'string' &&
  value.length > prefix.length &&
  value.startsWith(prefix) &&
  Buffer.byteLength(value, 'utf8') <= MAX_KEY_VALUE_BYTES &&
  // Lone surrogates would reach DynamoDB as replacement characters: not a key we ever wrote.
  Buffer.from(value, 'utf8').toString('utf8') === value;

/**
 * DynamoDB rejects a start key that is not exactly the key of its table or index (a
 * missing or extra attribute, a number, an empty string, another partition) with a
 * ValidationException, which would otherwise surface as a 500; so anything but that
 * exact shape is refused here, before any query.
 */
export const decodeCursor = (cursor: string | undefined, shape: CursorShape): Record<string, string> | undefined => {
  if (cursor === undefined) return undefined;
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw new InvalidCursorError();
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
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
