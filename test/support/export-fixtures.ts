import { createHash, generateKeyPairSync } from 'node:crypto';
import type { JSONWebKeySet } from 'jose';
import type { SigningKey } from '#kernel/codes/signature';
import { toPublicJwk } from '#kernel/codes/signature';
import { arrayRangeHasher, inclusionProof, rootOfLeafHashes } from '#kernel/merkle-tree';
import { eventLeafHash } from '#shared/audit/domain/audit-log';
import {
  type ExportFormat,
  type ExportRecord,
  encodeRecord,
  exportEpilogue,
  exportPrologue,
  masterDataLine,
  proofLineOf,
} from '#shared/audit/domain/export-formats';
import type { EdgeLeaf } from '#shared/audit/services/export-edges';
import { type ExportManifest, signExportManifest } from '#shared/audit/services/export-manifest';
import { signTreeHead } from '#shared/audit/services/tree-head-jws';
import { hashRecordedEvent } from '#shared/custody/domain/chain';
import { eventIdOf, toEpcisEvent } from '#shared/custody/domain/epcis';
import { newPartiesOf, type Parties, vocabulariesOf } from '#shared/custody/domain/party-names';
import type { CustodyEvent } from '#shared/custody/domain/types';

/** Stored events as the custody service stores them: EPCIS JSON, with the chain hash. */
/** The link of a subject's first event: the hash of its genesis, never an event of the export. */
export const GENESIS_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** `count` events on three units (serials S0..S2, the i-th event on S(i % 3)), each chained to its unit's previous one. */
export const storedEvents = (count: number, options: { note?: string } = {}): ExportRecord[] => {
  const heads = new Map<string, string>();
  return Array.from({ length: count }, (_, i) => {
    const serial = `S${i % 3}`;
    const body: Omit<CustodyEvent, 'eventId'> = {
      bizStep: i % 3 === 0 ? 'receiving' : 'shipping',
      eventTime: new Date(Date.UTC(2026, 10, 1, 8, 0, i)).toISOString(),
      eventTimeZoneOffset: '+08:00',
      subjects: [{ kind: 'unit', gtin: '06901234567892', lot: 'L1', serial }],
      actorOrgId: 'org-factory',
      ...(i % 3 === 0 ? {} : { destinationOrgId: 'org-distributor' }),
      // Commas, quotes and line breaks: what CSV quoting exists for.
      location: options.note ?? (i % 2 === 0 ? 'Hangzhou, "West Lake"\nZone 1' : 'Shenzhen'),
    };
    const recordTime = new Date(Date.UTC(2026, 10, 1, 8, 0, i, 500)).toISOString();
    const eventId = eventIdOf(body);
    const epcis = toEpcisEvent({ ...body, eventId, recordTime });
    const subjectId = `06901234567892.${serial}`;
    const eventHash = hashRecordedEvent(epcis);
    const previous = heads.get(subjectId) ?? GENESIS_HASH;
    heads.set(subjectId, eventHash);
    return {
      eventId,
      source: 'event',
      recordTime,
      epcis: JSON.stringify(epcis),
      eventHash,
      subjectIds: [subjectId],
      previousEventHashes: [previous],
      leafIndex: null,
      inclusionPath: [],
    };
  });
};

export const testSigningKey = (): { key: SigningKey; jwks: JSONWebKeySet } => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key: SigningKey = { kid: 'TEST', privateKey };
  return { key, jwks: { keys: [{ ...toPublicJwk('TEST', privateKey) }] } };
};

/** One millisecond after an ISO instant. */
export const justAfter = (iso: string): string => new Date(Date.parse(iso) + 1).toISOString();

/**
 * A log over `logged` (in order) and a signed head over all of it, saying (as the
 * checkpointer does) that everything recorded up to the last logged event is in it.
 */
export const signedLog = async (logged: readonly ExportRecord[], key: SigningKey) => {
  const leaves = logged.map((r) => eventLeafHash(r.epcis));
  const hash = arrayRangeHasher(leaves);
  const last = logged.at(-1);
  const head = {
    treeSize: leaves.length,
    rootHash: rootOfLeafHashes(leaves).toString('hex'),
    timestamp: '2026-11-02T00:00:00.000Z',
    previousTreeSize: 0,
    ...(last === undefined ? {} : { recordedBefore: justAfter(last.recordTime) }),
  };
  const signedHead = await signTreeHead(head, key);
  const prove = (record: ExportRecord, leafIndex: number): ExportRecord => ({
    ...record,
    leafIndex,
    inclusionPath: inclusionProof(leafIndex, leaves.length, hash).map((h) => h.toString('hex')),
  });
  /** The manifest's edge leaf for leaf `leafIndex`, holding `record` (its own by default). */
  const edge = (leafIndex: number, record: ExportRecord | undefined = logged[leafIndex]): EdgeLeaf => ({
    leafIndex,
    entryId: record?.eventId ?? '',
    epcis: record?.epcis ?? '{}',
    inclusionPath: inclusionProof(leafIndex, leaves.length, hash).map((h) => h.toString('hex')),
  });
  return { head: { ...head, signedHead }, prove, edge };
};

/** Where a complete export sits in the log: its record-time range and leaf range. */
export type ExportPlace = Pick<ExportManifest, 'range' | 'leafRange'>;

/**
 * The files the worker writes of `records`, naming the organizations of `parties` as it does:
 * CSV in each row, NDJSON in a master-data line before the first record naming each, the
 * EPCIS document in its header at the end.
 */
export const encodeExport = (format: ExportFormat, records: readonly ExportRecord[], parties: Parties = new Map()) => {
  const createdAt = new Date('2026-11-02T00:00:00Z');
  const seen = { readPoints: new Set<string>(), sourceDests: new Set<string>() };
  const body = records.map((record, n) => {
    const { fresh } = newPartiesOf(JSON.parse(record.epcis) as Record<string, unknown>, seen, Number.POSITIVE_INFINITY);
    for (const uri of fresh.readPoints) seen.readPoints.add(uri);
    for (const uri of fresh.sourceDests) seen.sourceDests.add(uri);
    const names = format === 'ndjson' ? masterDataLine(vocabulariesOf(fresh, parties), createdAt) : '';
    return `${names}${encodeRecord(format, record, n, parties)}`;
  });
  const all = { readPoints: [...seen.readPoints], sourceDests: [...seen.sourceDests] };
  return {
    file: `${exportPrologue(format, createdAt)}${body.join('')}${exportEpilogue(format, format === 'epcis' ? vocabulariesOf(all, parties) : [])}`,
    proofs: records.map((r, n) => proofLineOf(r, n)).join(''),
  };
};

export const manifestFor = (
  format: ExportFormat,
  files: { file: string; proofs: string },
  recordCount: number,
  treeHead: ExportManifest['treeHead'],
  key: SigningKey,
  complete = true,
  place?: ExportPlace,
) =>
  signExportManifest(
    {
      // By default a complete export of the whole log: nothing before its first leaf or after its last.
      ...(complete
        ? (place ?? {
            range: { from: '2026-01-01T00:00:00.000Z', to: treeHead.timestamp },
            leafRange: { first: 0, last: treeHead.treeSize - 1, before: null, after: null },
          })
        : {}),
      exportId: '00000000-0000-4000-8000-000000000001',
      format,
      recordCount,
      sha256: sha256(files.file),
      bytes: Buffer.byteLength(files.file),
      proofsSha256: sha256(files.proofs),
      query: {},
      complete,
      createdAt: '2026-11-02T00:00:00.000Z',
      completedAt: '2026-11-02T00:01:00.000Z',
      exporter: { orgId: 'org-regulator', subject: 'client-1', role: 'regulator' },
      treeHead,
    },
    key,
  );

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Text in chunks of `size` characters, as a stream would hand it over. */
export async function* chunked(text: string, size = 7): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}
