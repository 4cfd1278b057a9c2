import { describe, expect, it } from 'vitest';
import {
  type CursorShape,
  decodeCursor,
  encodeCursor,
  InvalidCursorError,
  MAX_CURSOR_LENGTH,
  openCursor,
  sealCursor,
} from '#kernel/db/cursors';

/** The shape of the inventory listing's key: index partition and table sort key fixed. */
const shape: CursorShape = {
  listing: 'inventory',
  exact: { gsi1pk: 'CUSTODIAN#org-1', sk: 'STATE' },
  prefixed: { gsi1sk: '', pk: 'SUBJECT#' },
};
const key = { gsi1pk: 'CUSTODIAN#org-1', sk: 'STATE', gsi1sk: 'unit#01/x', pk: 'SUBJECT#01/x' };
const binding = { listing: shape.listing, parameters: [Object.entries(shape.exact).sort(([a], [b]) => (a < b ? -1 : 1))] };
/** A key sealed as this listing would seal it: only the shape check stands between it and DynamoDB. */
const sealedKey = (value: unknown) => sealCursor(binding, JSON.stringify(value));
const raw = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('encodeCursor', () => {
  it('has no cursor for the last page', async () => {
    expect(await encodeCursor(undefined, shape)).toBeUndefined();
  });

  it('is URL-safe', async () => {
    expect(await encodeCursor(key, shape)).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
  });
});

describe('decodeCursor', () => {
  it('gives back the key a listing handed out', async () => {
    expect(await decodeCursor(await encodeCursor(key, shape), shape)).toEqual(key);
  });

  it('starts at the beginning without a cursor', async () => {
    expect(await decodeCursor(undefined, shape)).toBeUndefined();
  });

  it('refuses a cursor handed out by another listing, or for other parameters', async () => {
    const own = (await encodeCursor(key, shape)) ?? '';
    await expect(decodeCursor(own, { ...shape, listing: 'batches' })).rejects.toThrow(InvalidCursorError);
    await expect(decodeCursor(own, { ...shape, parameters: ['2026-01-01'] })).rejects.toThrow(InvalidCursorError);
    const withRange = (await encodeCursor(key, { ...shape, parameters: ['2026-01-01', '2026-01-31'] })) ?? '';
    await expect(decodeCursor(withRange, { ...shape, parameters: ['2026-02-01', '2026-02-28'] })).rejects.toThrow(
      InvalidCursorError,
    );
    await expect(decodeCursor(withRange, shape)).rejects.toThrow(InvalidCursorError);
  });

  it('refuses a cursor of another partition, even with the same listing name and parameters', async () => {
    const other =
      (await encodeCursor(
        { ...key, gsi1pk: 'CUSTODIAN#org-2' },
        { ...shape, exact: { ...shape.exact, gsi1pk: 'CUSTODIAN#org-2' } },
      )) ?? '';
    await expect(decodeCursor(other, shape)).rejects.toThrow(InvalidCursorError);
  });

  it('refuses every altered character and every truncation of a genuine cursor', async () => {
    const own = (await encodeCursor(key, shape)) ?? '';
    for (let i = 0; i < own.length; i++) {
      const flipped = own.slice(0, i) + (own[i] === 'A' ? 'B' : 'A') + own.slice(i + 1);
      await expect(decodeCursor(flipped, shape), `flipped at ${i}`).rejects.toThrow(InvalidCursorError);
      await expect(decodeCursor(own.slice(0, i), shape), `cut at ${i}`).rejects.toThrow(InvalidCursorError);
    }
  });

  it('refuses a forged key of the right shape: only a sealed cursor is one the listing handed out', async () => {
    await expect(decodeCursor(raw(JSON.stringify(key)), shape)).rejects.toThrow(InvalidCursorError);
    await expect(decodeCursor(`${raw(JSON.stringify(key))}.${'A'.repeat(22)}`, shape)).rejects.toThrow(InvalidCursorError);
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc+/=.abc'],
    ['of three parts', 'a.b.c'],
    ['too long', 'A'.repeat(MAX_CURSOR_LENGTH + 1)],
  ])('refuses a cursor that is %s', async (_, cursor) => {
    await expect(decodeCursor(cursor, shape)).rejects.toThrow(InvalidCursorError);
  });

  it.each([
    ['not JSON', '{"pk":'],
    ['JSON null', 'null'],
    ['a JSON array', JSON.stringify([key])],
    ['a JSON string', JSON.stringify('SUBJECT#x')],
  ])('refuses a sealed position that is %s', async (_, position) => {
    await expect(decodeCursor(await sealCursor(binding, position), shape)).rejects.toThrow(InvalidCursorError);
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
  ])('refuses a sealed key with %s', async (_, value) => {
    await expect(decodeCursor(await sealedKey(value), shape)).rejects.toThrow(InvalidCursorError);
  });

  it('carries no HTTP status: mapping it is the http layer’s job', async () => {
    const error = await decodeCursor('', shape).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidCursorError);
    expect(error).not.toHaveProperty('statusCode');
  });
});

describe('openCursor', () => {
  it('gives back a sealed position for its own binding only', async () => {
    const cursor = await sealCursor({ listing: 'epcis-events', parameters: ['q', 'org-1'] }, '2026-03-01~');
    expect(await openCursor(cursor, { listing: 'epcis-events', parameters: ['q', 'org-1'] })).toBe('2026-03-01~');
    await expect(openCursor(cursor, { listing: 'epcis-events', parameters: ['q', 'org-2'] })).rejects.toThrow(InvalidCursorError);
  });
});
