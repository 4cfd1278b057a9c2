import { canonicalJson, hasLoneSurrogate, legacyCanonicalJson } from '#kernel/canonical-json';
import { sha256Hex } from './identifiers';

/**
 * Tamper evidence. Every recorded event (an EPCIS event document, as the API returns it)
 * has a hash: SHA-256 of its RFC 8785 (JCS) form, so any JCS implementation recomputes it.
 * Each link of a subject's chain records the hash of the previous event on that subject,
 * starting from its commissioning event. A rewritten, removed or reordered event breaks
 * every link after it.
 */
export interface ChainEntry {
  /** The recorded event, EPCIS 2.0 JSON. */
  event: Record<string, unknown>;
  eventHash: string;
  previousEventHash: string | null;
}

/**
 * JCS has no form for text with a lone surrogate, which TraceSeal now refuses on input; an
 * event recorded before could hold one, and its link was hashed over the JSON.stringify
 * escape (`\ud800`), which is what the legacy form writes there and nowhere else.
 */
export const recordedEventJson = (event: Record<string, unknown>): string =>
  hasLoneSurrogate(event) ? legacyCanonicalJson(event) : canonicalJson(event);

/** What a link records: SHA-256 (hex) of the event's canonical JSON. */
export const hashRecordedEvent = (event: Record<string, unknown>): string => sha256Hex(recordedEventJson(event));

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
