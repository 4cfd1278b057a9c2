import { EPCIS_CONTEXT, eventHashId, hashRecordedEvent } from '#custody/contract';
import { verifyInclusion } from '#kernel/merkle-tree';
import { eventLeafHash, SETTLE_MARGIN_MS, type TreeHead } from '../domain/audit-log';
import type { ProofLine } from '../domain/export-formats';
import { createChainLinkCheck } from './export-chain-links';
import type { ExportManifest } from './export-manifest';
import { type Failing, fromHex } from './export-verify-log';

/**
 * verify-export's pass over the records: the file and its proofs sidecar read side by side,
 * each record checked against its line (its place, its custody chain hash, its CBV 2.0 id,
 * its leaf in the signed log) as it streams by, so memory holds one record at a time plus the
 * chain links. What needs every record at once is export-verify.ts's, from the walk returned.
 */
const parseProofLine = (line: string): ProofLine | undefined => {
  try {
    const value = JSON.parse(line) as ProofLine;
    return typeof value.n === 'number' && typeof value.entryId === 'string' && Array.isArray(value.inclusionPath)
      ? value
      : undefined;
  } catch {
    return undefined;
  }
};

const cbvIdOf = (event: Record<string, unknown>): string | undefined => {
  try {
    return eventHashId(event, { context: EPCIS_CONTEXT });
  } catch {
    return undefined;
  }
};

/** Heads signed before they said so cover what was recorded a settle margin before their signing. */
const recordedBeforeOf = (head: TreeHead): string =>
  head.recordedBefore ?? new Date(Date.parse(head.timestamp) - SETTLE_MARGIN_MS).toISOString();

/** What one pass over the file and its sidecar found, for the checks that need every record. */
export interface RecordWalk {
  n: number;
  previousLeaf: number;
  previousRecordTime: string;
  unproven: number;
  legacyIds: number;
  chained: number;
  provenLeaves: { first?: number; last?: number };
  links: ReturnType<typeof createChainLinkCheck>;
  readError?: string;
}

export interface WalkContext {
  manifest: ExportManifest;
  head: TreeHead | undefined;
  found: Failing;
}

/** A record the head does not cover: only its CBV 2.0 id vouches for its content. */
const checkUnprovenRecord = (named: string, idMatches: boolean, recordTime: string, context: WalkContext): void => {
  const { head, found } = context;
  if (!idMatches)
    found.fail('event id', `${named}: its eventID is not the CBV 2.0 hash of its content, and no proof vouches for it: altered`);
  if (head !== undefined && recordTime < recordedBeforeOf(head)) {
    found.fail(
      'unproven before head',
      `${named}: recorded ${recordTime}, before the head covers, yet it carries no proof: altered or cut from the log`,
    );
  }
};

/** A proven record: its leaf is in the signed log, after the leaf above it (next to it when the export is complete). */
const checkProvenRecord = (
  epcis: string,
  proof: ProofLine,
  leafIndex: number,
  named: string,
  head: TreeHead,
  context: WalkContext,
  walk: RecordWalk,
): void => {
  const { found, manifest } = context;
  walk.provenLeaves.first ??= leafIndex;
  walk.provenLeaves.last = leafIndex;
  const leaf = eventLeafHash(epcis);
  if (!verifyInclusion(leafIndex, head.treeSize, leaf, proof.inclusionPath.map(fromHex), fromHex(head.rootHash))) {
    found.fail('inclusion', `${named}: not in the signed log as it is here (leaf ${leafIndex}): altered`);
  }
  if (leafIndex <= walk.previousLeaf) {
    found.fail('order', `${named}: leaf ${leafIndex} comes after leaf ${walk.previousLeaf}: reordered`);
  } else if (manifest.complete && walk.previousLeaf >= 0 && leafIndex !== walk.previousLeaf + 1) {
    found.fail('gap', `${named}: leaves ${walk.previousLeaf + 1}..${leafIndex - 1} are missing before it: events were removed`);
  }
  walk.previousLeaf = leafIndex;
};

/** One record against its line of the sidecar: the line is its own, in order, and vouches for its content. */
const checkRecord = (epcis: string, proof: ProofLine | undefined, context: WalkContext, walk: RecordWalk): void => {
  const { found, head } = context;
  const label = `record ${walk.n + 1}`;
  let event: Record<string, unknown> | undefined;
  try {
    event = JSON.parse(epcis) as Record<string, unknown>;
  } catch {
    found.fail('unreadable', `${label}: not JSON`);
  }
  const eventId = typeof event?.eventID === 'string' ? event.eventID : '?';
  const named = `${label} (${eventId})`;
  if (proof === undefined || proof.n !== walk.n) found.fail('proof line', `${named}: no proof line for it in the sidecar`);
  else if (proof.entryId !== eventId && proof.entryId !== `${eventId}#declaration`) {
    found.fail('proof line', `${named}: the sidecar's line is for ${proof.entryId}: records were reordered or removed`);
  }
  const recordTime = typeof event?.recordTime === 'string' ? event.recordTime : '';
  if (recordTime < walk.previousRecordTime) {
    found.fail('order', `${named}: recorded before the record above it: records were reordered`);
  }
  walk.previousRecordTime = recordTime;
  if (event === undefined || proof === undefined) return;
  if (proof.eventHash !== null) {
    walk.chained++;
    walk.links.add(proof.eventHash, proof.subjectIds, proof.previousEventHashes);
    if (hashRecordedEvent(event) !== proof.eventHash) {
      found.fail('custody chain', `${named}: content does not match the hash its custody chain links: altered`);
    }
  }
  // The CBV 2.0 event hash, recomputed: a proven record's leaf vouches for all of it
  // (an id that differs is one recorded before CBV ids), an unproven one has only this.
  const idMatches = cbvIdOf(event) === eventId;
  if (proof.leafIndex === null) {
    walk.unproven++;
    checkUnprovenRecord(named, idMatches, recordTime, context);
  } else if (head !== undefined) {
    if (!idMatches) walk.legacyIds++;
    checkProvenRecord(epcis, proof, proof.leafIndex, named, head, context, walk);
  }
};

/** Reads the file and the sidecar side by side; a file that cannot be read ends the walk as a format failure. */
export const walkRecords = async (
  input: { file: { records: AsyncIterable<string> }; proofs: { lines: AsyncIterable<string> } },
  context: WalkContext,
): Promise<RecordWalk> => {
  const walk: RecordWalk = {
    n: 0,
    previousLeaf: -1,
    previousRecordTime: '',
    unproven: 0,
    legacyIds: 0,
    chained: 0,
    provenLeaves: {},
    links: createChainLinkCheck(),
  };
  const proofs = input.proofs.lines[Symbol.asyncIterator]();
  try {
    for await (const epcis of input.file.records) {
      const proofText = await proofs.next();
      checkRecord(epcis, proofText.done === true ? undefined : parseProofLine(proofText.value), context, walk);
      walk.n++;
    }
  } catch (error) {
    walk.readError = (error as Error).message;
    context.found.fail('format', `file: ${walk.readError}`);
  }
  if ((await proofs.next()).done !== true)
    context.found.fail('proof line', 'proofs: the sidecar has more lines than the file has records');
  return walk;
};
