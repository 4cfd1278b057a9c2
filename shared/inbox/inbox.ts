/**
 * The regulators' inbox: counterfeit reports and anomaly alerts, each worked through a
 * status with an append-only history. Pure rules here; storage in shared/inbox/inbox-repository.
 */
export const INBOX_KINDS = ['report', 'alert', 'test_report', 'audit_log'] as const;
export type InboxKind = (typeof INBOX_KINDS)[number];
export const INBOX_STATUSES = ['new', 'investigating', 'closed'] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

export interface InboxEntry {
  kind: InboxKind;
  /** The report reference or the alert id. */
  id: string;
  createdAt: string;
  /** ISO 3166-2 provinces whose regulators see it (may be empty: unlocated). */
  provinces: readonly string[];
  /** The factory whose product it is about, when known. */
  factoryOrgId?: string;
  gtin?: string;
  /** One line for the listing. */
  title: string;
}

/** An entry as stored: what was filed, where it stands, and how many changes it has seen. */
export interface InboxRecord extends InboxEntry {
  status: InboxStatus;
  /** 0 when filed; each status change adds one (and writes history item number `version`). */
  version: number;
  updatedAt: string;
}

export interface InboxChange {
  at: string;
  /** The regulator organization and the token's subject (its OAuth client) that made the change. */
  by: { orgId: string; subject: string };
  from: InboxStatus;
  to: InboxStatus;
  note?: string;
}

/** The moves a regulator may make; anything else (including "to the same status") is refused. */
const MOVES: Readonly<Record<InboxStatus, readonly InboxStatus[]>> = {
  new: ['investigating'],
  investigating: ['closed'],
  closed: ['investigating'],
};

export type MoveCheck = { ok: true } | { ok: false; reason: 'not_allowed' | 'note_required' };

/** Closing says why, and so does reopening a closed entry. */
export const checkMove = (from: InboxStatus, to: InboxStatus, note: string | undefined): MoveCheck => {
  if (!MOVES[from].includes(to)) return { ok: false, reason: 'not_allowed' };
  const needsNote = to === 'closed' || from === 'closed';
  if (needsNote && (note === undefined || note.trim() === '')) return { ok: false, reason: 'note_required' };
  return { ok: true };
};

/** The country of an ISO 3166-2 province (`CN-GD` → `CN`); undefined for anything else. */
export const countryOfProvince = (province: string): string | undefined => {
  const match = /^([A-Z]{2})-[A-Z0-9]{1,3}$/.exec(province);
  return match?.[1];
};

/**
 * The listing partitions an entry is copied to: each province, and once each country, so a
 * national regulator reads one partition. An entry tied to no province is listed as unlocated.
 */
export const UNLOCATED_AREA = 'UNLOCATED';
export const inboxAreasOf = (provinces: readonly string[]): string[] => {
  if (provinces.length === 0) return [UNLOCATED_AREA];
  const countries = provinces.map(countryOfProvince).filter((c): c is string => c !== undefined);
  return [...new Set([...provinces, ...countries])];
};

/**
 * Which area a regulator works: a region that is a bare country code (`CN`) is national,
 * anything else its province (`CN-GD Shenzhen` → `CN-GD`).
 */
export type RegulatorScope = { kind: 'national'; country: string } | { kind: 'province'; province: string };
export const regulatorScopeOf = (province: string): RegulatorScope =>
  /^[A-Z]{2}$/.test(province) ? { kind: 'national', country: province } : { kind: 'province', province };

/** Whether a province lies in a regulator's area: its own, or any of its country's when national. */
export const scopeCovers = (scope: RegulatorScope, province: string): boolean =>
  scope.kind === 'national' ? countryOfProvince(province) === scope.country : province === scope.province;

/**
 * Whether a regulator of that scope may read and work the entry. Unlocated entries are
 * every regulator's, as unlocated reports are: someone must be able to pick them up.
 */
export const regulatorMaySee = (scope: RegulatorScope, provinces: readonly string[]): boolean =>
  provinces.length === 0 || provinces.some((p) => scopeCovers(scope, p));
