import { describe, expect, it } from 'vitest';
import { type EventInput, requireAfterIssuance, validateShape } from '#shared/custody/domain/event-shape';
import { CLOCK_SKEW_TOLERANCE_MS } from '#shared/custody/domain/rules';
import { errorCodeOf } from '../support/custody-states';

const now = new Date('2026-02-01T00:00:00.000Z');
const factory = { id: 'factory', role: 'factory' } as const;
const code = (n: number) => `https://verify.example/00/30614141000000000${n}?8030=x`;
const shipping = (patch: Partial<EventInput> = {}): EventInput => ({
  bizStep: 'shipping',
  eventTime: now.toISOString(),
  eventTimeZoneOffset: '+08:00',
  epcs: [code(1)],
  destination: 'dist',
  ...patch,
});
const refusal = (input: EventInput, actor: { id: string; role: 'factory' | 'distributor' | 'regulator' | 'admin' } = factory) =>
  errorCodeOf(() => validateShape(input, actor, now));
const at = (offsetMs: number) => new Date(now.getTime() + offsetMs).toISOString();

describe('event shape', () => {
  it('accepts a well-formed shipment', () => {
    expect(refusal(shipping())).toBe('no error');
  });

  it('accepts an eventTime up to the clock-skew allowance ahead of the server', () => {
    expect(refusal(shipping({ eventTime: at(CLOCK_SKEW_TOLERANCE_MS) }))).toBe('no error');
  });

  it('refuses an eventTime further ahead (EVENT_TIME_IN_FUTURE)', () => {
    expect(refusal(shipping({ eventTime: at(CLOCK_SKEW_TOLERANCE_MS + 1) }))).toBe('EVENT_TIME_IN_FUTURE');
  });

  it('refuses packing without a parent (EVENT_SHAPE)', () => {
    expect(refusal({ ...shipping({ bizStep: 'packing', destination: undefined }), children: [code(1)], epcs: undefined })).toBe(
      'EVENT_SHAPE',
    );
  });

  it('refuses a shipment with children instead of epcs (EVENT_SHAPE)', () => {
    expect(refusal(shipping({ epcs: undefined, parent: code(1), children: [code(2)] }))).toBe('EVENT_SHAPE');
  });

  it('refuses an object event with neither epcs nor a lot (EVENT_SHAPE)', () => {
    expect(refusal(shipping({ epcs: undefined }))).toBe('EVENT_SHAPE');
  });

  it('refuses a whole lot on anything but a recall (EVENT_SHAPE)', () => {
    expect(refusal(shipping({ epcs: undefined, lot: { gtin: '06952012345676', lot: 'L1' } }))).toBe('EVENT_SHAPE');
  });

  it('refuses a shipment without a destination (DESTINATION)', () => {
    expect(refusal(shipping({ destination: undefined }))).toBe('DESTINATION');
  });

  it('refuses a destination on anything but a shipment (DESTINATION)', () => {
    expect(refusal(shipping({ bizStep: 'receiving' }))).toBe('DESTINATION');
  });

  it('refuses a shipment to oneself (DESTINATION)', () => {
    expect(refusal(shipping({ destination: factory.id }))).toBe('DESTINATION');
  });

  it('refuses a recall by a distributor (ROLE_NOT_ALLOWED)', () => {
    const recall = shipping({ bizStep: 'recall', destination: undefined });
    expect(refusal(recall, { id: 'dist', role: 'distributor' })).toBe('ROLE_NOT_ALLOWED');
  });

  it('accepts a recall by a regulator', () => {
    expect(refusal(shipping({ bizStep: 'recall', destination: undefined }), { id: 'reg', role: 'regulator' })).toBe('no error');
  });

  it('refuses custody events by a regulator (ROLE_NOT_ALLOWED)', () => {
    expect(refusal(shipping(), { id: 'reg', role: 'regulator' })).toBe('ROLE_NOT_ALLOWED');
  });

  it('refuses a code listed twice (DUPLICATE_CODE_IN_EVENT)', () => {
    expect(refusal(shipping({ epcs: [code(1), code(1)] }))).toBe('DUPLICATE_CODE_IN_EVENT');
  });

  it('refuses a parent also listed as a child (DUPLICATE_CODE_IN_EVENT)', () => {
    const pack = {
      ...shipping({ bizStep: 'packing', destination: undefined, epcs: undefined }),
      parent: code(1),
      children: [code(1)],
    };
    expect(refusal(pack)).toBe('DUPLICATE_CODE_IN_EVENT');
  });
});

describe('event time against issuance', () => {
  const issuedAt = now.toISOString();

  it('accepts an eventTime up to the clock-skew allowance before issuance', () => {
    expect(errorCodeOf(() => requireAfterIssuance(at(-CLOCK_SKEW_TOLERANCE_MS), issuedAt))).toBe('no error');
  });

  it('refuses an eventTime further before issuance (EVENT_TIME_BEFORE_ISSUANCE)', () => {
    expect(errorCodeOf(() => requireAfterIssuance(at(-CLOCK_SKEW_TOLERANCE_MS - 1), issuedAt))).toBe(
      'EVENT_TIME_BEFORE_ISSUANCE',
    );
  });
});
