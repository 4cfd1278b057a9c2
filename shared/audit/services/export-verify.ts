import type { JSONWebKeySet } from 'jose';
import { verifyConsistency } from '#kernel/merkle-tree';
import type { TreeHead } from '../domain/audit-log';
import type { ChainLinkReport } from './export-chain-links';
import { type ExportManifest, verifyExportManifest } from './export-manifest';
import { checkEdges, checkWitness, fromHex, type WitnessedHeadInput } from './export-verify-log';
import { type RecordWalk, type WalkContext, walkRecords } from './export-verify-records';
import { verifyTreeHead } from './tree-head-jws';

/**
 * What `npm run verify-export` checks, given the files already opened: the manifest's
 * signature, the file's and the sidecar's hashes, the record count, each record's leaf and
 * inclusion proof against the signed head the manifest names, the log order, no gap where
 * the export claims to be complete, the custody chain hash of each event, and that every
 * head the regulator kept is consistent with that head and the latest. It never stops at
 * the first failure: every failure is named (at most MAX_NAMED per check, then counted).
 * Each record's own checks are export-verify-records.ts's, the log's edges and the witness
 * export-verify-log.ts's; this file runs them in the order it prints them.
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

/** The manifest's signature is checked first: without it nothing else can be trusted, so it alone stops the run. */
const checkSignedParts = async (
  input: VerifyExportInput,
  manifest: ExportManifest,
  found: Findings,
  passed: string[],
): Promise<TreeHead | undefined> => {
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
  return head;
};

/** The checks over all records at once: their count, the chains' links, the log's edges and the unproven tail. */
const checkWholeFile = (
  input: VerifyExportInput,
  walk: RecordWalk,
  context: WalkContext & { found: Findings },
  passed: string[],
  notes: string[],
): void => {
  const { manifest, head, found } = context;
  const { n, unproven, readError } = walk;
  if (n === manifest.recordCount) passed.push(`${n} records, as the manifest says`);
  else found.fail('count', `file: ${n} records, the manifest says ${manifest.recordCount}: records were added or removed`);
  if (head !== undefined && readError === undefined) {
    const proven = n - unproven;
    if (found.count('inclusion') === 0) passed.push(`${proven} inclusion proofs verify against the head`);
    if (found.count('custody chain') === 0) passed.push(`${walk.chained} custody chain hashes match their events`);
    if (manifest.complete && found.count('gap') === 0) passed.push('no leaf missing between the first and last record');
  }
  if (readError === undefined) checkChainLinks(walk.links.report(), manifest.complete, found, passed, notes);
  if (head !== undefined && readError === undefined && manifest.complete)
    checkEdges(manifest, head, walk.provenLeaves, found, passed);
  if (walk.legacyIds > 0) notes.push(`${walk.legacyIds} proven records carry ids recorded before the CBV 2.0 event hash`);
  if (found.count('event id') === 0) passed.push("every unproven record's eventID is the CBV 2.0 hash of its content");
  if (unproven > 0) {
    const message = `${unproven} records are newer than the export's tree head and carry no proof`;
    if (input.allowUnproven === true) notes.push(`${message} (allowed)`);
    else found.fail('unproven', `${message}: checkpoint, then export again (or pass --allow-unproven)`);
  }
};

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
  const head = await checkSignedParts(input, manifest, found, passed);
  const context = { manifest, head, found };
  const walk = await walkRecords(input, context);
  checkWholeFile(input, walk, context, passed, notes);
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
