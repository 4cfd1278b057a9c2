import { describe, expect, it } from 'vitest';
import { type CursorShape, decodeCursor, encodeCursor, InvalidCursorError, MAX_CURSOR_LENGTH } from '#shared/store/cursors';

/** The shape of the inventory listing's key: index partition and table sort key fixed. */
const shape: CursorShape = { exact: { gsi1pk: 'CUSTODIAN#org-1', sk: 'STATE' }, prefixed: { gsi1sk: '', pk: 'SUBJECT#' } };
const key = { gsi1pk: 'CUSTODIAN#org-1', sk: 'STATE', gsi1sk: 'unit#01/x', pk: 'SUBJECT#01/x' };
const raw = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const cursorOf = (value: unknown) => raw(JSON.stringify(value));

describe('encodeCursor', () => {
  it('has no cursor for the last page', () => {
    expect(encodeCursor(undefined)).toBeUndefined();
  });

  it('is URL-safe and opaque', () => {
    expect(encodeCursor(key)).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});

describe('decodeCursor', () => {
  it('gives back the key a listing handed out', () => {
    expect(decodeCursor(encodeCursor(key), shape)).toEqual(key);
  });

  it('starts at the beginning without a cursor', () => {
    expect(decodeCursor(undefined, shape)).toBeUndefined();
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc+/='],
    ['too long', 'A'.repeat(MAX_CURSOR_LENGTH + 1)],
    ['not JSON', raw('{"pk":')],
    ['JSON null', cursorOf(null)],
    ['a JSON array', cursorOf([key])],
    ['a JSON string', cursorOf('SUBJECT#x')],
  ])('refuses a cursor that is %s', (_, cursor) => {
    expect(() => decodeCursor(cursor, shape)).toThrow(InvalidCursorError);
  });

  it.each([
    ['an attribute missing', { gsi1pk: key.gsi1pk, sk: key.sk, gsi1sk: key.gsi1sk }],
    ['an extra attribute', { ...key, gsi2pk: 'LOT#x' }],
    ["another organization's partition", { ...key, gsi1pk: 'CUSTODIAN#org-2' }],
    ['another fixed sort key', { ...key, sk: 'CHAIN#00000001' }],
    ['a value without its prefix', { ...key, pk: 'EVENT#x' }],
    ['only the prefix', { ...key, pk: 'SUBJECT#' }],
    ['a number', { ...key, gsi1sk: 7 }],
    ['an empty string', { ...key, gsi1sk: '' }],
    ['a value longer than any key we write', { ...key, pk: `SUBJECT#${'x'.repeat(600)}` }],
    ['a lone surrogate', { ...key, pk: 'SUBJECT#\ud800' }],
  ])('refuses a key with %s', (_, value) => {
    expect(() => decodeCursor(cursorOf(value), shape)).toThrow(InvalidCursorError);
  });

  it('carries no HTTP status: mapping it is the http layer’s job', () => {
    const error = (() => {
      try {
        decodeCursor('', shape);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidCursorError);
    expect(error).not.toHaveProperty('statusCode');
  });
});
