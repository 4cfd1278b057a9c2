// One file, a little over 300 lines: the checks verify-export runs, together and in the order it
// prints them; the log's edges and witness (export-verify-log.ts) and chain links live beside it.
import type { JSONWebKeySet } from 'jose';
import { EPCIS_CONTEXT, eventHashId, hashRecordedEvent } from '#custody/contract';
import { verifyConsistency, verifyInclusion } from '#kernel/merkle-tree';
import { eventLeafHash, SETTLE_MARGIN_MS, type TreeHead } from '../domain/audit-log';
import type { ProofLine } from '../domain/export-formats';
import { type ChainLinkReport, createChainLinkCheck } from './export-chain-links';
import { type ExportManifest, verifyExportManifest } from './export-manifest';
import { checkEdges, checkWitness, type WitnessedHeadInput } from './export-verify-log';
import { verifyTreeHead } from './tree-head-jws';

/**
 * What `npm run verify-export` checks, given the files already opened: the manifest's
 * signature, the file's and the sidecar's hashes, the record count, each record's leaf and
 * inclusion proof against the signed head the manifest names, the log order, no gap where
 * the export claims to be complete, the custody chain hash of each event, and that every
 * head the regulator kept is consistent with that head and the latest. It never stops at
 * the first failure: every failure is named (at most MAX_NAMED per check, then counted).
 */
export interface KeptHead {
  treeSize: number;
  rootHash: string;
  timestamp: string;
  signedHead: string;
}

export interface VerifyExportInput {
  manifestJws: string;
  jwks: JSONWebKeySet;
  file: { sha256: string; records: AsyncIterable<string> };
  proofs: { sha256: string; lines: AsyncIterable<string> };
  /** Records the named head does not cover yet pass (reported) instead of failing. */
  allowUnproven?: boolean;
  keptHeads?: readonly KeptHead[];
  latest?: KeptHead;
  /** RFC 9162 consistency path (hex) from the tree of `first` to that of `second`. */
  consistencyPath?: (first: number, second: number) => Promise<readonly string[]>;
  /**
   * Heads as published to the witness (GET /v1/audit/witness): the newest, and those of the
   * export head's size. When given, the export's head must be among them.
   */
  witness?: { newest: readonly WitnessedHeadInput[]; ofSize: readonly WitnessedHeadInput[] };
}

export interface VerifyExportReport {
  ok: boolean;
  manifest?: ExportManifest;
  /** Checks that passed, one line each. */
  passed: string[];
  failures: string[];
  notes: string[];
}

const MAX_NAMED = 20;
const HEX = /^[0-9a-f]{64}$/;
const fromHex = (hex: string): Buffer => Buffer.from(HEX.test(hex) ? hex : '', 'hex');

class Findings {
  public readonly failures: string[] = [];
  private readonly counts = new Map<string, number>();

  public fail(kind: string, message: string): void {
    const count = (this.counts.get(kind) ?? 0) + 1;
    this.counts.set(kind, count);
    if (count <= MAX_NAMED) this.failures.push(message);
  }

  public count(kind: string): number {
    return this.counts.get(kind) ?? 0;
  }

  public summarize(): void {
    for (const [kind, count] of this.counts) {
      if (count > MAX_NAMED) this.failures.push(`${kind}: ${count - MAX_NAMED} more not shown`);
    }
  }
}

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

const checkChainLinks = (
  report: ChainLinkReport,
  complete: boolean,
  found: Findings,
  passed: string[],
  notes: string[],
): void => {
  for (const subjectId of new Set(report.forks)) {
    found.fail('custody link', `${subjectId}: two events link to the same previous event: its chain forks`);
  }
  // A partial export (a region, a filter) may leave out a subject's events the exporter does
  // not see: a note, the first MAX_NAMED by name, so a big export does not print one per unit.
  let partialNotes = 0;
  for (const { subjectId, outside } of report.broken) {
    const message = `${subjectId}: ${outside} of its events link to events not in the export`;
    if (complete) found.fail('custody link', `${message}: an event of its chain was removed`);
    else if (++partialNotes <= MAX_NAMED) notes.push(`${message} (this export is partial; GET /v1/chain shows the whole chain)`);
  }
  if (partialNotes > MAX_NAMED) notes.push(`${partialNotes - MAX_NAMED} more subjects link to events not in this partial export`);
  if (found.count('custody link') === 0) {
    passed.push(`${report.inside} custody chain links point at the previous event of their subject in the export`);
  }
  if (report.unlinked > 0)
    notes.push(`${report.unlinked} records were recorded before links were kept with events: GET /v1/chain has their links`);
};

const checkHeads = async (
  input: VerifyExportInput,
  head: TreeHead,
  found: Findings,
  passed: string[],
  witnessed?: KeptHead,
): Promise<void> => {
  const others = [
    ...(input.keptHeads ?? []),
    ...(input.latest === undefined ? [] : [input.latest]),
    ...(witnessed === undefined ? [] : [witnessed]),
  ];
  for (const kept of others) {
    const label = `head of size ${kept.treeSize} (${kept.timestamp})`;
    let signed: TreeHead;
    try {
      signed = await verifyTreeHead(kept.signedHead, input.jwks);
    } catch (error) {
      found.fail('head signature', `${label}: signature does not verify (${(error as Error).message})`);
      continue;
    }
    if (signed.treeSize !== kept.treeSize || signed.rootHash !== kept.rootHash) {
      found.fail('head signature', `${label}: its fields differ from what its signature covers`);
      continue;
    }
    const [older, newer] = signed.treeSize <= head.treeSize ? [signed, head] : [head, signed];
    if (older.treeSize === newer.treeSize) {
      if (older.rootHash !== newer.rootHash) found.fail('consistency', `${label}: same size, different root: the log forked`);
      else passed.push(`${label}: same tree as the export's head`);
      continue;
    }
    if (input.consistencyPath === undefined) {
      found.fail('consistency', `${label}: consistency not checked (no proof source; pass --api)`);
      continue;
    }
    const path = await input.consistencyPath(older.treeSize, newer.treeSize);
    const ok = verifyConsistency(
      older.treeSize,
      newer.treeSize,
      fromHex(older.rootHash),
      fromHex(newer.rootHash),
      path.map(fromHex),
    );
    if (ok) passed.push(`${label}: consistent with the export's head (size ${head.treeSize})`);
    else found.fail('consistency', `${label}: NOT consistent with the export's head: the log was rewritten`);
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

export const verifyExport = async (input: VerifyExportInput): Promise<VerifyExportReport> => {
  const found = new Findings();
  const passed: string[] = [];
  const notes: string[] = [];
  let manifest: ExportManifest;
  try {
    manifest = await verifyExportManifest(input.manifestJws, input.jwks);
  } catch (error) {
    return { ok: false, passed, notes, failures: [`manifest: signature does not verify (${(error as Error).message})`] };
  }
  passed.push(`manifest signed by the service (export ${manifest.exportId}, ${manifest.format})`);
  let head: TreeHead | undefined;
  try {
    head = await verifyTreeHead(manifest.treeHead.signedHead, input.jwks);
    if (head.treeSize !== manifest.treeHead.treeSize || head.rootHash !== manifest.treeHead.rootHash) {
      found.fail('tree head', 'tree head: the manifest names a head its signed head does not match');
      head = undefined;
    } else passed.push(`tree head of size ${head.treeSize} (${head.timestamp}) signed by the service`);
  } catch (error) {
    found.fail('tree head', `tree head: signature does not verify (${(error as Error).message})`);
  }
  if (input.file.sha256 === manifest.sha256) passed.push(`file SHA-256 ${manifest.sha256}`);
  else
    found.fail('file hash', `file: SHA-256 ${input.file.sha256} is not the manifest's ${manifest.sha256}: the file was changed`);
  if (input.proofs.sha256 === manifest.proofsSha256) passed.push('proofs sidecar SHA-256 matches');
  else found.fail('proofs hash', "proofs: SHA-256 is not the manifest's: the sidecar was changed");

  const proofs = input.proofs.lines[Symbol.asyncIterator]();
  let n = 0;
  let previousLeaf = -1;
  let previousRecordTime = '';
  let unproven = 0;
  let legacyIds = 0;
  const provenLeaves: { first?: number; last?: number } = {};
  let chained = 0;
  const links = createChainLinkCheck();
  let readError: string | undefined;
  try {
    for await (const epcis of input.file.records) {
      const proofText = await proofs.next();
      const proof = proofText.done === true ? undefined : parseProofLine(proofText.value);
      const label = `record ${n + 1}`;
      let event: Record<string, unknown> | undefined;
      try {
        event = JSON.parse(epcis) as Record<string, unknown>;
      } catch {
        found.fail('unreadable', `${label}: not JSON`);
      }
      const eventId = typeof event?.eventID === 'string' ? event.eventID : '?';
      const named = `${label} (${eventId})`;
      if (proof === undefined || proof.n !== n) found.fail('proof line', `${named}: no proof line for it in the sidecar`);
      else if (proof.entryId !== eventId && proof.entryId !== `${eventId}#declaration`) {
        found.fail('proof line', `${named}: the sidecar's line is for ${proof.entryId}: records were reordered or removed`);
      }
      const recordTime = typeof event?.recordTime === 'string' ? event.recordTime : '';
      if (recordTime < previousRecordTime) {
        found.fail('order', `${named}: recorded before the record above it: records were reordered`);
      }
      previousRecordTime = recordTime;
      if (event !== undefined && proof !== undefined) {
        if (proof.eventHash !== null) {
          chained++;
          links.add(proof.eventHash, proof.subjectIds, proof.previousEventHashes);
          if (hashRecordedEvent(event) !== proof.eventHash) {
            found.fail('custody chain', `${named}: content does not match the hash its custody chain links: altered`);
          }
        }
        // The CBV 2.0 event hash, recomputed: a proven record's leaf vouches for all of it
        // (an id that differs is one recorded before CBV ids), an unproven one has only this.
        const idMatches = cbvIdOf(event) === eventId;
        if (proof.leafIndex === null) {
          unproven++;
          if (!idMatches)
            found.fail(
              'event id',
              `${named}: its eventID is not the CBV 2.0 hash of its content, and no proof vouches for it: altered`,
            );
          if (head !== undefined && recordTime < recordedBeforeOf(head)) {
            found.fail(
              'unproven before head',
              `${named}: recorded ${recordTime}, before the head covers, yet it carries no proof: altered or cut from the log`,
            );
          }
        } else if (head !== undefined) {
          if (!idMatches) legacyIds++;
          provenLeaves.first ??= proof.leafIndex;
          provenLeaves.last = proof.leafIndex;
          const leaf = eventLeafHash(epcis);
          if (!verifyInclusion(proof.leafIndex, head.treeSize, leaf, proof.inclusionPath.map(fromHex), fromHex(head.rootHash))) {
            found.fail('inclusion', `${named}: not in the signed log as it is here (leaf ${proof.leafIndex}): altered`);
          }
          if (proof.leafIndex <= previousLeaf) {
            found.fail('order', `${named}: leaf ${proof.leafIndex} comes after leaf ${previousLeaf}: reordered`);
          } else if (manifest.complete && previousLeaf >= 0 && proof.leafIndex !== previousLeaf + 1) {
            found.fail(
              'gap',
              `${named}: leaves ${previousLeaf + 1}..${proof.leafIndex - 1} are missing before it: events were removed`,
            );
          }
          previousLeaf = proof.leafIndex;
        }
      }
      n++;
    }
  } catch (error) {
    readError = (error as Error).message;
    found.fail('format', `file: ${readError}`);
  }
  if ((await proofs.next()).done !== true)
    found.fail('proof line', 'proofs: the sidecar has more lines than the file has records');
  if (n === manifest.recordCount) passed.push(`${n} records, as the manifest says`);
  else found.fail('count', `file: ${n} records, the manifest says ${manifest.recordCount}: records were added or removed`);
  if (head !== undefined && readError === undefined) {
    const proven = n - unproven;
    if (found.count('inclusion') === 0) passed.push(`${proven} inclusion proofs verify against the head`);
    if (found.count('custody chain') === 0) passed.push(`${chained} custody chain hashes match their events`);
    if (manifest.complete && found.count('gap') === 0) passed.push('no leaf missing between the first and last record');
  }
  if (readError === undefined) checkChainLinks(links.report(), manifest.complete, found, passed, notes);
  if (head !== undefined && readError === undefined && manifest.complete) checkEdges(manifest, head, provenLeaves, found, passed);
  if (legacyIds > 0) notes.push(`${legacyIds} proven records carry ids recorded before the CBV 2.0 event hash`);
  if (found.count('event id') === 0) passed.push("every unproven record's eventID is the CBV 2.0 hash of its content");
  if (unproven > 0) {
    const message = `${unproven} records are newer than the export's tree head and carry no proof`;
    if (input.allowUnproven === true) notes.push(`${message} (allowed)`);
    else found.fail('unproven', `${message}: checkpoint, then export again (or pass --allow-unproven)`);
  }
  if (head !== undefined) {
    const witnessed =
      input.witness === undefined ? undefined : await checkWitness(input.witness, head, input.jwks, found, passed);
    await checkHeads(
      input,
      head,
      found,
      passed,
      witnessed === undefined ? undefined : { ...witnessed, signedHead: witnessed.signedHead },
    );
  }
  found.summarize();
  return { ok: found.failures.length === 0, manifest, passed, failures: found.failures, notes };
};
