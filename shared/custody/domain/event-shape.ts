/**
 * The checks an event must pass before any code in it is looked up: its shape for its
 * bizStep, who may report it, and its time against the server clock and the codes'
 * issuance. Pure, so each refusal is a unit test; a refused event writes nothing.
 */
import { hasLoneSurrogate } from '#kernel/canonical-json';
import { BadRequestError, ForbiddenError } from '#kernel/errors';
import type { Organization } from '#registry/contract';
import { CLOCK_SKEW_TOLERANCE_MS } from './rules';
import type { BizStep } from './types';

/** One custody event as a caller sends it (`POST /v1/events`), before its codes are resolved. */
export interface EventInput {
  bizStep: BizStep;
  eventTime: string;
  eventTimeZoneOffset: string;
  epcs?: string[];
  parent?: string;
  children?: string[];
  destination?: string;
  reason?: string;
  /** recall only: a whole lot instead of listed units. */
  lot?: { gtin: string; lot: string };
}

const SKEW_MINUTES = CLOCK_SKEW_TOLERANCE_MS / 60_000;

export const requireNotInFuture = (eventTime: string, now: Date): void => {
  if (Date.parse(eventTime) > now.getTime() + CLOCK_SKEW_TOLERANCE_MS) {
    throw new BadRequestError(
      'EVENT_TIME_IN_FUTURE',
      `eventTime may be at most ${SKEW_MINUTES} minutes ahead of the server clock`,
    );
  }
};

/**
 * Devices' clocks differ a little, never by the lifetime of a label: an event before its
 * code existed is a client bug (or an attempt to backdate), and is refused before any rule.
 */
export const requireAfterIssuance = (eventTime: string, issuedAt: string): void => {
  if (Date.parse(eventTime) < Date.parse(issuedAt) - CLOCK_SKEW_TOLERANCE_MS) {
    throw new BadRequestError(
      'EVENT_TIME_BEFORE_ISSUANCE',
      `eventTime may be at most ${SKEW_MINUTES} minutes before the code was issued (${issuedAt})`,
    );
  }
};

/** Aggregations name a parent and children; object events name epcs, or a recall a whole lot. */
export const requireFieldsOfStep = (input: EventInput): void => {
  const aggregation = input.bizStep === 'packing' || input.bizStep === 'unpacking';
  if (aggregation !== (input.parent !== undefined) || aggregation !== (input.children !== undefined)) {
    throw new BadRequestError('EVENT_SHAPE', 'packing and unpacking take parent and children; other steps take epcs');
  }
  if (!aggregation && (input.epcs === undefined) === (input.lot === undefined)) {
    throw new BadRequestError('EVENT_SHAPE', `${input.bizStep} takes epcs${input.bizStep === 'recall' ? ' or a lot' : ''}`);
  }
  if (input.lot !== undefined && input.bizStep !== 'recall') {
    throw new BadRequestError('EVENT_SHAPE', 'Only a recall can name a whole lot');
  }
};

export const requireDestinationOfStep = (input: EventInput, actorId: string): void => {
  if ((input.bizStep === 'shipping') !== (input.destination !== undefined)) {
    throw new BadRequestError(
      'DESTINATION',
      input.bizStep === 'shipping' ? 'shipping needs a destination' : 'only shipping has a destination',
    );
  }
  if (input.destination === actorId) throw new BadRequestError('DESTINATION', 'You cannot ship to yourself');
};

/** Regulators only recall; factories and distributors report custody. */
export const requireRoleForStep = (bizStep: BizStep, role: Organization['role']): void => {
  if (bizStep === 'recall' && role !== 'factory' && role !== 'regulator') {
    throw new ForbiddenError('ROLE_NOT_ALLOWED', 'Only factories and regulators recall');
  }
  if (bizStep !== 'recall' && role !== 'factory' && role !== 'distributor') {
    throw new ForbiddenError('ROLE_NOT_ALLOWED', 'Only factories and distributors report custody events');
  }
};

/** Every code an event names, parent included. */
export const codesOf = (input: EventInput): string[] => [
  ...(input.epcs ?? []),
  ...(input.children ?? []),
  ...(input.parent === undefined ? [] : [input.parent]),
];

export const requireDistinctCodes = (input: EventInput): void => {
  const codes = codesOf(input);
  if (new Set(codes).size !== codes.length) {
    throw new BadRequestError('DUPLICATE_CODE_IN_EVENT', 'A code appears more than once in one event');
  }
};

/**
 * Recorded events are hashed as JCS (RFC 8785), which has no form for text with a lone
 * surrogate (a `\uD800`-`\uDFFF` escape outside a pair): such a reason is refused.
 */
export const requireWellFormedText = (input: EventInput): void => {
  if (hasLoneSurrogate(input)) {
    throw new BadRequestError('ILL_FORMED_TEXT', 'Text must be well-formed Unicode: a lone surrogate escape is not allowed');
  }
};

/** Every check that needs no database read, in the order a caller learns of them. */
export const validateShape = (input: EventInput, actor: Pick<Organization, 'id' | 'role'>, now: Date): void => {
  requireNotInFuture(input.eventTime, now);
  requireFieldsOfStep(input);
  requireDestinationOfStep(input, actor.id);
  requireRoleForStep(input.bizStep, actor.role);
  requireDistinctCodes(input);
  requireWellFormedText(input);
};
