import type { ContainerKind } from '../codes/sscc';

/**
 * What the custody chain is about: a unit (GTIN + serial, its lot alongside) or a
 * container (SSCC). Subject ids are the Digital Link path without the lot, which is
 * unique per unit: "01/{gtin}/21/{serial}" or "00/{sscc}".
 */
export type SubjectRef =
  | { kind: 'unit'; gtin: string; lot: string; serial: string }
  | { kind: 'container'; sscc: string; containerKind: ContainerKind };

export const subjectIdOf = (ref: SubjectRef): string =>
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
  /** Containers: set when anything inside was recalled, so the container cannot move. */
  containsRecalled?: boolean;
  decommission?: { at: string; by: string; statusBefore: CustodyStatus };
  /**
   * Containers: their own moves (shipped, received, packed into or out of a parent), so a
   * scan of a unit inside reads the container's state instead of its whole chain, which
   * also holds every packing event that filled it.
   */
  moves?: ContainerMove[];
  /** Containers: their commissioning, which starts their chain (units have their batch). */
  commissioned?: { by: string; at: string; location: string };
  /** Events recorded on this subject; 0 = only the implicit commissioning. */
  version: number;
  /** Head of the subject's hash chain: the hash of its latest event. */
  headHash: string;
  lastEventTime: string;
}

export interface ContainerMove {
  step: BizStep;
  by: string;
  at: string;
  /** packing/unpacking of this container into or out of another. */
  parentId?: string;
}

/** Oldest moves are dropped past this; the chain keeps everything. */
export const MAX_CONTAINER_MOVES = 200;

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
