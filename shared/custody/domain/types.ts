import type { ContainerKind } from '#kernel/codes/sscc';

/**
 * What the custody chain is about: a unit (GTIN + serial, its lot alongside) or a
 * container (SSCC). Subject ids are the Digital Link path without the lot, which is
 * unique per unit: "01/{gtin}/21/{serial}" or "00/{sscc}".
 */
export type SubjectRef =
  | { kind: 'unit'; gtin: string; lot: string; serial: string }
  | { kind: 'container'; sscc: string; containerKind: ContainerKind };

/** What names a subject: a scanned container code knows its SSCC but not yet its kind. */
export type SubjectKey = { kind: 'unit'; gtin: string; serial: string } | { kind: 'container'; sscc: string };

export const subjectIdOf = (ref: SubjectKey): string =>
  ref.kind === 'unit' ? `01/${ref.gtin}/21/${ref.serial}` : `00/${ref.sscc}`;

/** The CBV 2.0 business steps a caller can report (recall and void are ours, see vocabulary.ts). */
export const BIZ_STEPS = [
  'packing',
  'unpacking',
  'shipping',
  'receiving',
  'retail_selling',
  'decommissioning',
  'decommissioning_reversal',
  'destroying',
  'void',
  'recall',
] as const;
export type BizStep = (typeof BIZ_STEPS)[number];

export type CustodyStatus = 'held' | 'in_transit' | 'sold' | 'in_use' | 'destroyed' | 'voided' | 'recalled';

/**
 * Codes one event may list: a DynamoDB transaction holds 100 items, and an event needs
 * one for itself plus a state and a chain link per code (and its parent's).
 */
export const MAX_SUBJECTS_PER_EVENT = 48;

/** A sold or in-use unit left the chain; only its decommissioning organization can undo that. */
export const DECOMMISSIONED_STATUSES: ReadonlySet<CustodyStatus> = new Set(['sold', 'in_use']);

export interface SubjectState {
  subjectId: string;
  ref: SubjectRef;
  status: CustodyStatus;
  /** Who holds it; while in transit, the shipper until the receiver receives. */
  custodianOrgId: string;
  receiverOrgId?: string;
  /** The container it is packed in; custody then resolves through the container. */
  parentId?: string;
  /** Containers: how many direct children they hold. */
  childCount?: number;
  /**
   * Containers: how many units they hold in all, through the cases inside. Kept by packing
   * and unpacking, which touch only top-level containers, so a case's total cannot change
   * while it sits in a pallet. Absent on states from before it was kept (see unitsInside).
   */
  unitCount?: number;
  /** Containers: set when anything inside was recalled, so the container cannot move. */
  containsRecalled?: boolean;
  decommission?: { at: string; by: string; statusBefore: CustodyStatus };
  /**
   * A short custody story (the first step and the last few), updated in the same
   * transaction as each event, so a public scan reads this item instead of the chain,
   * whose length an attacker controls. Containers keep their own moves here (not the
   * events that fill them), and a unit taken out of a container keeps the container's
   * moves from its time inside.
   */
  summary?: CustodySummary;
  /** When it was packed into `parentId`: the start of its time inside. */
  packedAt?: string;
  /** Containers: their commissioning, which starts their chain (units have their batch). */
  commissioned?: { by: string; at: string; location: string };
  /** Events recorded on this subject; 0 = only the implicit commissioning. */
  version: number;
  /** Head of the subject's hash chain: the hash of its latest event. */
  headHash: string;
  lastEventTime: string;
}

/** One step of a custody summary: who did what, when (the reported event time). */
export interface CustodyStep {
  step: BizStep;
  by: string;
  at: string;
  /** packing/unpacking: the container it went into or came out of. */
  parentId?: string;
}

export interface CustodySummary {
  /** The first step ever recorded, kept when the recent ones slide past it. */
  first: CustodyStep;
  /** The latest steps, oldest first; at most CUSTODY_SUMMARY_RECENT_STEPS. */
  recent: CustodyStep[];
  /** Every step the summary has seen, including those no longer listed. */
  count: number;
}

export const CUSTODY_SUMMARY_RECENT_STEPS = 8;

/**
 * Chained events one subject may have. A unit's real life is a few dozen events and a
 * reused pallet's a few hundred; past this, events on it are refused (409
 * SUBJECT_EVENT_LIMIT), which bounds its chain and what reading it costs.
 */
export const MAX_EVENTS_PER_SUBJECT = 1000;

/** One reported event after validation and resolution of its codes. */
export interface CustodyEvent {
  eventId: string;
  bizStep: BizStep;
  eventTime: string;
  eventTimeZoneOffset: string;
  /** ObjectEvent subjects, or an AggregationEvent's children. */
  subjects: SubjectRef[];
  /** AggregationEvent parent (packing/unpacking). */
  parent?: SubjectRef;
  actorOrgId: string;
  destinationOrgId?: string;
  reason?: string;
  /** City-level place of the event, from the actor's registered region. */
  location: string;
}

/** One state change an event makes; the store writes it on the condition that `before` still holds. */
export interface Transition {
  subjectId: string;
  before: SubjectState;
  after: SubjectState;
  /** False for state-only changes (flags) that add no event to the subject's chain. */
  chained: boolean;
}
