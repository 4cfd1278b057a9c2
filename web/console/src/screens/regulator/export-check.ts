import type { JSONWebKeySet } from 'jose';
import { canonicalJson } from '#kernel/canonical-json';
import type { ProofLine } from '#shared/audit/domain/export-formats';
import { readExportRecords, readLines } from '#shared/audit/domain/export-readers';
import { type ExportManifest, verifyExportManifest } from '#shared/audit/services/export-manifest';
import { verifyTreeHead } from '#shared/audit/services/tree-head-jws';

/**
 * The console's check of a downloaded export, in the browser: what `npm run verify-export`
 * does first, less what needs every record at once. It reuses the service's own pure parts
 * (the manifest's and the tree head's JWS checks with jose, the readers of the three formats,
 * RFC 8785 JSON) and does the hashing with WebCrypto, which is asynchronous, so the RFC 9162
 * inclusion check is written here over it (the kernel's runs on node:crypto). Checked: the
 * manifest's signature against the published keys; the tree head it names, signed and the
 * same; the file's and the sidecar's SHA-256 and size; the record count in the file and in
 * the sidecar; the head published in the witness; and a sample of records spread over the
 * file, each its sidecar line's, its leaf re-hashed from the event and proven in the signed
 * head. Not checked here (verify-export does it): every record's proof, log order and gaps,
 * the range's edges, custody chain hashes and links, consistency with heads kept earlier.
 */
export type CheckName = 'manifest' | 'treeHead' | 'fileHash' | 'proofsHash' | 'recordCount' | 'witness' | 'inclusion';

export interface CheckLine {
  readonly name: CheckName;
  readonly ok: boolean;
  /** Figures the sentence names (sizes, counts, hashes). */
  readonly values: Readonly<Record<string, string | number>>;
}

export interface ExportCheckResult {
  readonly ok: boolean;
  readonly lines: readonly CheckLine[];
  readonly manifest?: ExportManifest;
}

export interface ExportCheckInput {
  readonly manifestJws: string;
  readonly jwks: JSONWebKeySet;
  readonly file: Uint8Array;
  readonly proofs: Uint8Array;
  /** Heads the witness lists for the manifest head's size (GET /v1/audit/witness?treeSize=). */
  readonly witnessed: (treeSize: number) => Promise<readonly { signedHead: string }[]>;
  /** How many proven records to re-hash and prove; spread evenly, first and last included. */
  readonly sample?: number;
}

const DEFAULT_SAMPLE = 32;

const hex = (bytes: ArrayBuffer | Uint8Array): string =>
  [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, '0')).join('');

const fromHex = (text: string): Uint8Array | undefined =>
  /^[0-9a-f]{64}$/.test(text) ? Uint8Array.from(text.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16)) : undefined;

const sha256 = async (...parts: Uint8Array[]): Promise<Uint8Array> => {
  const joined = new Uint8Array(parts.reduce((size, part) => size + part.length, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', joined));
};

const LEAF = Uint8Array.of(0x00);
const NODE = Uint8Array.of(0x01);

/** A record's Merkle leaf: SHA-256(0x00 || UTF-8(JCS(event))), as the log appends it. */
export const leafHashOf = (epcis: string): Promise<Uint8Array> =>
  sha256(LEAF, new TextEncoder().encode(canonicalJson(JSON.parse(epcis))));

/** RFC 9162 §2.1.3.2, as the kernel's verifyInclusion, over WebCrypto. */
export const verifyInclusionAsync = async (
  index: number,
  treeSize: number,
  leaf: Uint8Array,
  path: readonly Uint8Array[],
  root: Uint8Array,
): Promise<boolean> => {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize) || index < 0 || index >= treeSize) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of path) {
    if (p.length !== 32 || sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(NODE, p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await sha256(NODE, r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && hex(r) === hex(root);
};

async function* once(text: string): AsyncGenerator<string> {
  yield text;
}

const parseProof = (line: string): ProofLine | undefined => {
  try {
    const value = JSON.parse(line) as ProofLine;
    return typeof value.n === 'number' && typeof value.entryId === 'string' && Array.isArray(value.inclusionPath)
      ? value
      : undefined;
  } catch {
    return undefined;
  }
};

/** Indexes 0..count-1 to sample: evenly spread, the first and the last among them. */
const sampleOf = (count: number, size: number): number[] => {
  if (count <= size) return Array.from({ length: count }, (_, i) => i);
  const picked = new Set<number>();
  for (let i = 0; i < size; i++) picked.add(Math.round((i * (count - 1)) / (size - 1)));
  return [...picked].sort((a, b) => a - b);
};

const eventIdOf = (epcis: string): string | undefined => {
  try {
    const id = (JSON.parse(epcis) as { eventID?: unknown }).eventID;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
};

/** The sampled records: each its sidecar line's, its leaf proven in the head. */
const checkSample = async (
  records: readonly string[],
  proofs: readonly (ProofLine | undefined)[],
  head: { treeSize: number; rootHash: string },
  size: number,
): Promise<CheckLine> => {
  const root = fromHex(head.rootHash);
  const proven = records.flatMap((_, n) => (proofs[n]?.leafIndex === null || proofs[n] === undefined ? [] : [n]));
  const picked = sampleOf(proven.length, size).map((i) => proven[i] ?? -1);
  let verified = 0;
  const failed: string[] = [];
  for (const n of picked) {
    const epcis = records[n];
    const proof = proofs[n];
    const eventId = epcis === undefined ? undefined : eventIdOf(epcis);
    const path = proof?.inclusionPath.map(fromHex) ?? [];
    let ok = false;
    if (epcis !== undefined && proof !== undefined && root !== undefined && proof.leafIndex !== null && eventId !== undefined) {
      const own = proof.n === n && (proof.entryId === eventId || proof.entryId === `${eventId}#declaration`);
      const intact = path.every((step) => step !== undefined);
      ok =
        own &&
        intact &&
        (await verifyInclusionAsync(proof.leafIndex, head.treeSize, await leafHashOf(epcis), path as Uint8Array[], root));
    }
    if (ok) verified++;
    else failed.push(String(n + 1));
  }
  return {
    name: 'inclusion',
    ok: failed.length === 0 && (picked.length > 0 || records.length === 0),
    values: { sampled: picked.length, verified, proven: proven.length, failed: failed.slice(0, 5).join(', ') },
  };
};

export const checkExport = async (input: ExportCheckInput): Promise<ExportCheckResult> => {
  const lines: CheckLine[] = [];
  let manifest: ExportManifest;
  try {
    manifest = await verifyExportManifest(input.manifestJws, input.jwks);
  } catch (error) {
    return { ok: false, lines: [{ name: 'manifest', ok: false, values: { reason: (error as Error).message } }] };
  }
  lines.push({ name: 'manifest', ok: true, values: { exportId: manifest.exportId, format: manifest.format } });

  let head: { treeSize: number; rootHash: string } | undefined;
  try {
    const signed = await verifyTreeHead(manifest.treeHead.signedHead, input.jwks);
    const same = signed.treeSize === manifest.treeHead.treeSize && signed.rootHash === manifest.treeHead.rootHash;
    if (same) head = signed;
    lines.push({ name: 'treeHead', ok: same, values: { treeSize: signed.treeSize, timestamp: signed.timestamp } });
  } catch (error) {
    lines.push({
      name: 'treeHead',
      ok: false,
      values: { treeSize: manifest.treeHead.treeSize, reason: (error as Error).message },
    });
  }

  const fileSha = hex(await sha256(input.file));
  lines.push({
    name: 'fileHash',
    ok: fileSha === manifest.sha256 && input.file.length === manifest.bytes,
    values: { sha256: fileSha, bytes: input.file.length, expected: manifest.sha256 },
  });
  const proofsSha = hex(await sha256(input.proofs));
  lines.push({ name: 'proofsHash', ok: proofsSha === manifest.proofsSha256, values: { sha256: proofsSha } });

  const decoder = new TextDecoder('utf-8', { fatal: false });
  const records: string[] = [];
  let readError: string | undefined;
  try {
    for await (const record of readExportRecords(manifest.format, once(decoder.decode(input.file)))) records.push(record);
  } catch (error) {
    readError = (error as Error).message;
  }
  const proofs: (ProofLine | undefined)[] = [];
  for await (const line of readLines(once(decoder.decode(input.proofs)))) if (line.trim() !== '') proofs.push(parseProof(line));
  lines.push({
    name: 'recordCount',
    ok: readError === undefined && records.length === manifest.recordCount && proofs.length === manifest.recordCount,
    values: { records: records.length, proofLines: proofs.length, expected: manifest.recordCount, reason: readError ?? '' },
  });

  if (head !== undefined) {
    const { treeSize, rootHash } = head;
    const witnessed = await input.witnessed(treeSize);
    let published = false;
    for (const entry of witnessed) {
      const signed = await verifyTreeHead(entry.signedHead, input.jwks).catch(() => undefined);
      if (signed?.treeSize === treeSize && signed.rootHash === rootHash) published = true;
    }
    lines.push({ name: 'witness', ok: published, values: { treeSize } });
    if (readError === undefined) lines.push(await checkSample(records, proofs, head, input.sample ?? DEFAULT_SAMPLE));
  }
  return { ok: lines.every((line) => line.ok), lines, manifest };
};
