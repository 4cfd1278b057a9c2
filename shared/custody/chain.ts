import { sha256Hex, stableStringify } from './identifiers';

/**
 * Tamper evidence. Every recorded event (an EPCIS event document, as the API returns it)
 * has a hash: SHA-256 of its key-sorted JSON. Each link of a subject's chain records the
 * hash of the previous event on that subject, starting from its commissioning event. A
 * rewritten, removed or reordered event breaks every link after it.
 */
export interface ChainEntry {
  /** The recorded event, EPCIS 2.0 JSON. */
  event: Record<string, unknown>;
  eventHash: string;
  previousEventHash: string | null;
}

export const hashRecordedEvent = (event: Record<string, unknown>): string => sha256Hex(stableStringify(event));

export type ChainCheck = { valid: true; head: string } | { valid: false; brokenAt: number; reason: string };

export const verifyChain = (entries: readonly ChainEntry[]): ChainCheck => {
  let previous: string | null = null;
  for (const [index, entry] of entries.entries()) {
    if (hashRecordedEvent(entry.event) !== entry.eventHash) {
      return { valid: false, brokenAt: index, reason: 'event content does not match its hash' };
    }
    if (entry.previousEventHash !== previous) {
      return { valid: false, brokenAt: index, reason: 'link does not point at the previous event' };
    }
    previous = entry.eventHash;
  }
  return previous === null ? { valid: false, brokenAt: 0, reason: 'empty chain' } : { valid: true, head: previous };
};
