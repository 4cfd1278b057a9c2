/**
 * The regulators' inbox (this is also the contract counterfeit reports, anomaly alerts, test
 * reports and the audit log file through): entries of a province, each with a status and an
 * append-only history of who moved it, when, and why. What an entry is about, and moving its
 * status, is the desk's (inbox-desk.ts), which reads the reports and alerts filed here.
 */

import type { Principal } from '#kernel/auth/principal';
import { BadRequestError, ForbiddenError, NotFoundError } from '#kernel/errors';
import { provinceOf } from '#kernel/places/provinces';
import { requireRegisteredOrg } from '#registry';
import {
  type InboxEntry,
  type InboxKind,
  type InboxRecord,
  type InboxStatus,
  type RegulatorScope,
  regulatorMaySee,
  regulatorScopeOf,
  UNLOCATED_AREA,
} from './inbox';
import { addInboxProvinces, fileInboxEntry, getInboxEntry, type InboxPage, listInbox } from './inbox-repository';

export type { InboxEntry } from './inbox';

/** Files an entry (status `new`); filing the same kind+id again changes nothing, and says so. */
export const fileInInbox = (entry: InboxEntry, now = new Date()): Promise<'filed' | 'duplicate'> => fileInboxEntry(entry, now);

/** Lets the regulators of more provinces see a filed entry; provinces it has change nothing. */
export const addProvincesInInbox = async (kind: InboxKind, id: string, provinces: readonly string[]): Promise<void> => {
  await addInboxProvinces(kind, id, provinces);
};

/** The inbox is the regulators' alone; the calling organization must be registered as one. */
const regulatorScope = async (principal: Principal): Promise<RegulatorScope> => {
  if (principal.role !== 'regulator') throw new ForbiddenError('ROLE_NOT_ALLOWED', 'The inbox is for regulators');
  const org = await requireRegisteredOrg(principal);
  return regulatorScopeOf(provinceOf(org.region));
};

export interface InboxListInput {
  kind?: InboxKind;
  status?: InboxStatus;
  gtin?: string;
  from?: string;
  to?: string;
  /** The entries no province could be tied to, instead of your own area. */
  unlocated?: 'true' | 'false';
  cursor?: string;
  limit?: number;
}

/** A provincial regulator reads its province; a national one (region `CN`) the whole country. */
export const listInboxFor = async (principal: Principal, input: InboxListInput): Promise<InboxPage> => {
  const scope = await regulatorScope(principal);
  if (input.from !== undefined && input.to !== undefined && input.from > input.to) {
    throw new BadRequestError('INVALID_DATE_RANGE', '`from` must not be after `to`');
  }
  const area = input.unlocated === 'true' ? UNLOCATED_AREA : scope.kind === 'national' ? scope.country : scope.province;
  const { unlocated: _unlocated, ...options } = input;
  return listInbox(area, { ...options, reader: principal.orgId });
};

const notFound = (kind: InboxKind, id: string) => new NotFoundError('INBOX_ENTRY_NOT_FOUND', `No inbox entry ${kind}/${id}`);

/** Another province's entry is answered exactly like a missing one: its existence is not ours to reveal. */
export const visibleEntry = async (principal: Principal, kind: InboxKind, id: string): Promise<InboxRecord> => {
  const scope = await regulatorScope(principal);
  const entry = await getInboxEntry(kind, id);
  if (entry === undefined || !regulatorMaySee(scope, entry.provinces)) throw notFound(kind, id);
  return entry;
};
