import { EPCIS_CONTEXT, namesOf, type Parties, type Vocabulary } from '#custody/contract';

/**
 * Audit exports, encoded one record at a time so that a writer never holds more than one
 * event: an EPCIS 2.0 JSON-LD document (its prologue, then each event, then the epilogue),
 * CSV (UTF-8 with a BOM so Excel reads it as UTF-8, RFC 4180 quoting, CRLF) and NDJSON (one
 * stored event per line, byte for byte as stored, among master-data lines).
 *
 * Every export has a sidecar, `<file>.proofs.ndjson`, one line per record in the same order:
 * its log entry id, stored chain hash and chained subjects, its Merkle leaf index and the
 * inclusion path against the tree head named in the manifest. Keeping proofs beside the
 * data, not in it, leaves the three formats plain (the EPCIS document validates against the
 * official schema untouched, the NDJSON event lines are the stored events) and the sidecar
 * is the same whatever the format.
 *
 * Organizations are named beside the events as EPCIS 2.0 master data (see party-names.ts):
 * the EPCIS document carries them in epcisHeader.epcisMasterData, written after epcisBody
 * (key order means nothing in JSON, and only at the end are they all known); NDJSON carries
 * a master-data line (an EPCISDocument with an empty event list) before the first record
 * naming each; CSV rows name them in their last columns.
 */
export const EXPORT_FORMATS = ['epcis', 'csv', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportRecord {
  eventId: string;
  /** An error declaration shares its event's id; its log entry id has "#declaration". */
  source: 'event' | 'declaration';
  recordTime: string;
  /** The stored EPCIS JSON, exactly as stored. */
  epcis: string;
  /** The hash the custody chains link (stored with the event); absent on events outside any chain. */
  eventHash?: string;
  /** The subjects whose chains this event extends. */
  subjectIds: readonly string[];
  /**
   * Each subject's link: the hash of that subject's previous event, in subjectIds' order;
   * absent on events recorded before links were kept with the event (GET /v1/chain has them).
   */
  previousEventHashes?: readonly string[];
  /** Position in the audit log, or null when the named tree head does not cover the event yet. */
  leafIndex: number | null;
  /** RFC 9162 inclusion path (lowercase hex) against the named head; empty when leafIndex is null. */
  inclusionPath: readonly string[];
}

export interface ProofLine {
  /** The record's position in the export, from 0. */
  n: number;
  entryId: string;
  eventHash: string | null;
  subjectIds: readonly string[];
  /** Each subject's link, in subjectIds' order; null when the event's links are not on record. */
  previousEventHashes: readonly string[] | null;
  leafIndex: number | null;
  inclusionPath: readonly string[];
}

export const FILE_EXTENSIONS: Record<ExportFormat, string> = { epcis: 'json', csv: 'csv', ndjson: 'ndjson' };
export const CONTENT_TYPES: Record<ExportFormat, string> = {
  epcis: 'application/ld+json',
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson',
};

export const entryIdOf = (record: Pick<ExportRecord, 'eventId' | 'source'>): string =>
  record.source === 'declaration' ? `${record.eventId}#declaration` : record.eventId;

/** The documented CSV columns, in order (docs/audit.md, "Audit exports"). */
export const CSV_COLUMNS = [
  'eventId',
  'entryId',
  'eventTime',
  'recordTime',
  'type',
  'action',
  'bizStep',
  'disposition',
  'epcs',
  'parentID',
  'bizLocation',
  'readPoint',
  'sources',
  'destinations',
  'reporterOrg',
  'eventHash',
  'subjectIds',
  'epcisJson',
  'reporterName',
  'sourceNames',
  'destinationNames',
] as const;

/** The columns of exports made before organizations were named; verify-export reads both. */
export const CSV_COLUMNS_BEFORE_NAMES = CSV_COLUMNS.slice(0, CSV_COLUMNS.indexOf('epcisJson') + 1);

const BOM = '\uFEFF';

/** RFC 4180: a field with a comma, quote, CR or LF is quoted, its quotes doubled. */
export const csvField = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const idOf = (value: unknown): string =>
  value !== null && typeof value === 'object' ? text((value as { id?: unknown }).id) : '';
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Quantity elements carry an EPC class; they are listed after the instance EPCs. */
const epcsOf = (event: Record<string, unknown>): string[] => [
  ...list(event.epcList).map(text),
  ...list(event.childEPCs).map(text),
  ...list(event.inputEPCList).map(text),
  ...list(event.outputEPCList).map(text),
  ...[...list(event.quantityList), ...list(event.childQuantityList)].map((q) =>
    q !== null && typeof q === 'object' ? text((q as { epcClass?: unknown }).epcClass) : '',
  ),
];

const partiesOf = (entries: unknown, member: 'source' | 'destination'): string =>
  list(entries)
    .map((entry) => {
      const e = (entry ?? {}) as Record<string, unknown>;
      return `${text(e.type)}=${text(e[member])}`;
    })
    .join(' ');

/** Who recorded it: our events name the reporter in readPoint (an organization URI) or traceseal:reporter. */
const reporterOf = (event: Record<string, unknown>): string => text(event['traceseal:reporter']) || idOf(event.readPoint);

const partyUris = (entries: unknown, member: 'source' | 'destination'): string[] =>
  list(entries).map((entry) => text(((entry ?? {}) as Record<string, unknown>)[member]));

const csvRow = (record: ExportRecord, parties: Parties): string => {
  const event = JSON.parse(record.epcis) as Record<string, unknown>;
  const fields = [
    record.eventId,
    entryIdOf(record),
    text(event.eventTime),
    record.recordTime,
    text(event.type),
    text(event.action),
    text(event.bizStep),
    text(event.disposition),
    epcsOf(event).join(' '),
    text(event.parentID),
    idOf(event.bizLocation),
    idOf(event.readPoint),
    partiesOf(event.sourceList, 'source'),
    partiesOf(event.destinationList, 'destination'),
    reporterOf(event),
    record.eventHash ?? '',
    record.subjectIds.join(' '),
    record.epcis,
    // Names after the event, outside it: "Name (region)", ' | '-separated in list order.
    namesOf([reporterOf(event)], parties),
    namesOf(partyUris(event.sourceList, 'source'), parties),
    namesOf(partyUris(event.destinationList, 'destination'), parties),
  ];
  return `${fields.map(csvField).join(',')}\r\n`;
};

const documentHead = (createdAt: Date) => ({
  '@context': EPCIS_CONTEXT,
  type: 'EPCISDocument',
  schemaVersion: '2.0',
  creationDate: createdAt.toISOString(),
});

export const exportPrologue = (format: ExportFormat, createdAt: Date): string => {
  if (format === 'csv') return `${BOM}${CSV_COLUMNS.join(',')}\r\n`;
  if (format === 'ndjson') return '';
  const head = JSON.stringify({ ...documentHead(createdAt), epcisBody: { eventList: [] } });
  // The document up to the opening of eventList; the epilogue closes it.
  return `${head.slice(0, head.lastIndexOf('[]'))}[\n`;
};

/**
 * One record; `n` is its position (the EPCIS list separates records with a comma). CSV rows
 * name the organizations of `parties` in their last columns; the other formats carry the
 * stored event alone.
 */
export const encodeRecord = (format: ExportFormat, record: ExportRecord, n: number, parties: Parties = new Map()): string => {
  if (format === 'csv') return csvRow(record, parties);
  if (format === 'ndjson') return `${record.epcis.replace(/\r?\n/g, '')}\n`;
  return `${n === 0 ? '' : ',\n'}${record.epcis}`;
};

/**
 * An NDJSON master-data line: a whole EPCIS 2.0 document (valid against the schema alone)
 * with no events, naming organizations in its header. Events are never EPCISDocuments, so a
 * reader tells the two apart by `type`; the file's hash in the manifest covers the line, the
 * log's proofs do not. Empty when `vocabularies` is.
 */
export const masterDataLine = (vocabularies: readonly Vocabulary[], createdAt: Date): string =>
  vocabularies.length === 0
    ? ''
    : `${JSON.stringify({
        ...documentHead(createdAt),
        epcisHeader: { epcisMasterData: { vocabularyList: vocabularies } },
        epcisBody: { eventList: [] },
      })}\n`;

/** The closing line of an EPCIS document before its header, as exports wrote before naming organizations. */
export const EPCIS_CLOSING = ']}}';
/** How the closing line of an EPCIS document starts when its header follows the event list. */
export const EPCIS_CLOSING_WITH_HEADER = ']},"epcisHeader":';

/** The end of the file: for an EPCIS document, the event list closed, then the master data of `vocabularies`. */
export const exportEpilogue = (format: ExportFormat, vocabularies: readonly Vocabulary[] = []): string => {
  if (format !== 'epcis') return '';
  if (vocabularies.length === 0) return `\n${EPCIS_CLOSING}\n`;
  return `\n${EPCIS_CLOSING_WITH_HEADER}${JSON.stringify({ epcisMasterData: { vocabularyList: vocabularies } })}}\n`;
};

export const proofLineOf = (record: ExportRecord, n: number): string => {
  const line: ProofLine = {
    n,
    entryId: entryIdOf(record),
    eventHash: record.eventHash ?? null,
    subjectIds: record.subjectIds,
    previousEventHashes: record.previousEventHashes ?? null,
    leafIndex: record.leafIndex,
    inclusionPath: record.inclusionPath,
  };
  return `${JSON.stringify(line)}\n`;
};
