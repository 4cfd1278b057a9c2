import { canonicalJson } from '#kernel/canonical-json';
import { CompactTree, type Hash, leafHash } from '#kernel/merkle-tree';

/**
 * The transparency log's leaves and the one pure check of a log against its signed heads.
 * A leaf is the UTF-8 of the JCS (RFC 8785) form of an event's stored EPCIS JSON: custody
 * events, whole-lot recalls and error declarations alike. Anyone holding an exported event
 * re-hashes it into its leaf with any JCS implementation, whatever whitespace or member
 * order the export used.
 *
 * The log's order is (recordTime, eventId): the checkpointer appends in that order and only
 * events older than its settle margin, so the order of the log is a function of the events
 * themselves and an auditor rebuilds it from them alone.
 */
export interface LogEvent {
  eventId: string;
  recordTime: string;
  /** The event's EPCIS JSON as stored or exported. */
  epcis: string;
  /** An error declaration shares its event's id; default 'event'. */
  kind?: 'event' | 'declaration';
}

/**
 * Only events recorded at least this long ago are appended. An event's recordTime is taken
 * before its transaction commits, so a listing at time t may not yet see an event stamped
 * just before t; were it skipped, the log's cursor would already be past it and it would
 * never be appended. Every path that records events (API calls bounded by API Gateway's 29 s,
 * the event-job worker's Lambda timeout) commits well within two minutes of stamping.
 */
export const SETTLE_MARGIN_MS = 2 * 60 * 1000;

/** A leaf's id in the log: the event id, and for a declaration the event id + "#declaration". */
export const logEntryId = (event: Pick<LogEvent, 'eventId' | 'kind'>): string =>
  event.kind === 'declaration' ? `${event.eventId}#declaration` : event.eventId;

/** A signed tree head's content (the JWS payload, shared/audit/services/tree-head-jws.ts). */
export interface TreeHead {
  treeSize: number;
  /** Lowercase hex SHA-256, the form CT tooling and the RFC's test vectors print. */
  rootHash: string;
  /** ISO 8601, when the head was signed. */
  timestamp: string;
  /** Size of the head signed before this one (0 for the first). */
  previousTreeSize: number;
  /**
   * Every event recorded before this instant is in the tree (heads signed before the claim
   * existed lack it). A record older than it that carries no proof was removed or altered.
   */
  recordedBefore?: string;
}

export const eventLeafData = (epcis: string): Buffer => Buffer.from(canonicalJson(JSON.parse(epcis)), 'utf8');
export const eventLeafHash = (epcis: string): Hash => leafHash(eventLeafData(epcis));

type Ordered = Pick<LogEvent, 'recordTime' | 'eventId' | 'kind'>;

/** Log order: recordTime (ISO 8601 UTC, so it sorts as text), then the entry id. */
export const compareLogOrder = (a: Ordered, b: Ordered): number => {
  if (a.recordTime !== b.recordTime) return a.recordTime < b.recordTime ? -1 : 1;
  const [x, y] = [logEntryId(a), logEntryId(b)];
  return x < y ? -1 : x > y ? 1 : 0;
};

export type HeadVerdict = 'matches' | 'root-differs' | 'events-missing';

export interface AuditReport {
  ok: boolean;
  eventCount: number;
  heads: (Pick<TreeHead, 'treeSize' | 'rootHash' | 'timestamp'> & { verdict: HeadVerdict })[];
  /** Event ids found more than once, or whose EPCIS is not JSON: never a valid log. */
  duplicates: string[];
  unreadable: string[];
  /** Heads whose size shrank from one signed head to the next (by timestamp). */
  shrinking: string[];
}

/**
 * Rebuilds the log from `events` (any order: the log's order is recomputed) and checks each
 * head: its root must be the root of the first treeSize leaves. Altering one event changes
 * its leaf, removing one shifts every later leaf, and reordering two (by rewriting their
 * record times) swaps two leaves: each changes the root of every head that covers them.
 */
export const auditLog = (events: readonly LogEvent[], heads: readonly TreeHead[]): AuditReport => {
  const ordered = [...events].sort(compareLogOrder);
  const seen = new Set<string>();
  const duplicates: string[] = [];
  const unreadable: string[] = [];
  const leaves: Hash[] = [];
  for (const event of ordered) {
    const id = logEntryId(event);
    if (seen.has(id)) duplicates.push(id);
    seen.add(id);
    try {
      leaves.push(eventLeafHash(event.epcis));
    } catch {
      unreadable.push(id);
      leaves.push(Buffer.alloc(32));
    }
  }
  // One pass over the leaves, taking each head's root as the tree reaches its size.
  const rootsBySize = new Map<number, string>();
  const wanted = new Set(heads.map((head) => head.treeSize));
  const tree = new CompactTree();
  if (wanted.has(0)) rootsBySize.set(0, tree.root().toString('hex'));
  for (const leaf of leaves) {
    tree.append(leaf);
    if (wanted.has(tree.size)) rootsBySize.set(tree.size, tree.root().toString('hex'));
  }
  const checked = heads.map((head) => {
    const root = rootsBySize.get(head.treeSize);
    const verdict: HeadVerdict =
      root === undefined ? 'events-missing' : root === head.rootHash.toLowerCase() ? 'matches' : 'root-differs';
    return { treeSize: head.treeSize, rootHash: head.rootHash, timestamp: head.timestamp, verdict };
  });
  const byTime = [...heads].sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  const shrinking = byTime.flatMap((head, i) => {
    const before = byTime[i - 1];
    return before !== undefined && head.treeSize < before.treeSize ? [head.timestamp] : [];
  });
  return {
    ok:
      duplicates.length === 0 &&
      unreadable.length === 0 &&
      shrinking.length === 0 &&
      checked.every((head) => head.verdict === 'matches'),
    eventCount: leaves.length,
    heads: checked,
    duplicates,
    unreadable,
    shrinking,
  };
};
