import {
  CSV_COLUMNS,
  CSV_COLUMNS_BEFORE_NAMES,
  EPCIS_CLOSING,
  EPCIS_CLOSING_WITH_HEADER,
  type ExportFormat,
} from './export-formats';

/**
 * Reading an export back, one record at a time (verify-export): each reader yields the
 * stored EPCIS JSON of every record, in file order, from the file's text in chunks of any size.
 * Master data (the organizations' names) is no record: it is handed to `onMasterData`, its
 * vocabularyList as written, and never yielded.
 */
export type MasterDataHandler = (vocabularyList: unknown) => void;

export class ExportFormatError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'ExportFormatError';
  }
}

async function* linesOf(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of chunks) {
    rest += chunk;
    let newline = rest.indexOf('\n');
    while (newline >= 0) {
      yield rest.slice(0, newline).replace(/\r$/, '');
      rest = rest.slice(newline + 1);
      newline = rest.indexOf('\n');
    }
  }
  if (rest.length > 0) yield rest;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The vocabularyList of `{"epcisMasterData":{"vocabularyList":[…]}}` and nothing else; undefined for any other shape. */
const vocabularyListOf = (header: unknown): unknown[] | undefined => {
  if (!isObject(header) || Object.keys(header).join() !== 'epcisMasterData') return undefined;
  const masterData = header.epcisMasterData;
  if (!isObject(masterData) || Object.keys(masterData).join() !== 'vocabularyList') return undefined;
  return Array.isArray(masterData.vocabularyList) ? masterData.vocabularyList : undefined;
};

const MASTER_DATA_LINE_KEYS = new Set(['@context', 'type', 'schemaVersion', 'creationDate', 'epcisHeader', 'epcisBody']);

/**
 * A line is master data when it is an EPCISDocument (no event is one): it must then carry
 * an empty event list, so no record can hide inside it and go uncounted.
 */
const ndjsonMasterData = (line: string): unknown[] | undefined => {
  // Only a line with the document type somewhere in it is parsed here; a record is parsed once, by the verifier.
  if (!line.includes('"EPCISDocument"')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(value) || value.type !== 'EPCISDocument') return undefined;
  const body = value.epcisBody;
  const vocabularyList = vocabularyListOf(value.epcisHeader);
  if (
    Object.keys(value).some((key) => !MASTER_DATA_LINE_KEYS.has(key)) ||
    !isObject(body) ||
    Object.keys(body).join() !== 'eventList' ||
    !Array.isArray(body.eventList) ||
    body.eventList.length > 0 ||
    vocabularyList === undefined
  ) {
    throw new ExportFormatError('an NDJSON line is an EPCIS document but not a master-data line (no events, names only)');
  }
  return vocabularyList;
};

async function* ndjsonRecords(chunks: AsyncIterable<string>, onMasterData?: MasterDataHandler): AsyncGenerator<string> {
  for await (const line of linesOf(chunks)) {
    if (line.trim() === '') continue;
    const masterData = ndjsonMasterData(line);
    if (masterData === undefined) yield line;
    else onMasterData?.(masterData);
  }
}

/** The closing line: the event list closed, then nothing but the document's end or its master-data header. */
const epcisClosing = (line: string): unknown[] | undefined => {
  if (line === EPCIS_CLOSING) return [];
  if (!line.startsWith(EPCIS_CLOSING_WITH_HEADER)) return undefined;
  let rest: unknown;
  try {
    // `]},` closes the event list and the body; what follows is the header and the document's end.
    rest = JSON.parse(`{${line.slice(']},'.length)}`);
  } catch {
    throw new ExportFormatError('the EPCIS header after the event list is not JSON');
  }
  const vocabularyList =
    isObject(rest) && Object.keys(rest).join() === 'epcisHeader' ? vocabularyListOf(rest.epcisHeader) : undefined;
  if (vocabularyList === undefined) throw new ExportFormatError('the EPCIS document ends with more than its master data');
  return vocabularyList;
};

/**
 * The layout TraceSeal writes: the document up to `"eventList":[` on the first line, one
 * event per line (all but the last ending in a comma), then `]}}`, or `]},"epcisHeader":{…}}`
 * with the organizations' master data on that one line. Anything else is refused
 * with a clear error (the file's hash would not match the manifest anyway).
 */
async function* epcisRecords(chunks: AsyncIterable<string>, onMasterData?: MasterDataHandler): AsyncGenerator<string> {
  let first = true;
  let closed = false;
  for await (const line of linesOf(chunks)) {
    if (first) {
      first = false;
      const opening = line.replace(/^\uFEFF/, '');
      if (!opening.endsWith('"eventList":[') || !opening.includes('"type":"EPCISDocument"')) {
        throw new ExportFormatError('not an EPCIS document in the layout TraceSeal exports write');
      }
      continue;
    }
    if (closed) {
      if (line.trim() !== '') throw new ExportFormatError('text after the end of the EPCIS document');
      continue;
    }
    if (line.trim() === '') continue;
    const masterData = epcisClosing(line);
    if (masterData !== undefined) {
      closed = true;
      if (masterData.length > 0) onMasterData?.(masterData);
      continue;
    }
    yield line.endsWith(',') ? line.slice(0, -1) : line;
  }
  if (!closed) throw new ExportFormatError('the EPCIS document ends before its event list is closed');
}

/** RFC 4180 rows from text in chunks; quoted fields may hold commas, quotes and line breaks. */
export async function* csvRows(chunks: AsyncIterable<string>): AsyncGenerator<string[]> {
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let afterQuote = false;
  let started = false;
  let bomChecked = false;
  for await (let chunk of chunks) {
    if (!bomChecked && chunk.length > 0) {
      bomChecked = true;
      if (chunk.startsWith('\uFEFF')) chunk = chunk.slice(1);
    }
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i] as string;
      started = true;
      if (quoted) {
        if (c === '"') {
          quoted = false;
          afterQuote = true;
        } else field += c;
      } else if (c === '"') {
        // A doubled quote inside a quoted field: the closing quote was a false end.
        if (afterQuote) field += '"';
        quoted = true;
        afterQuote = false;
      } else if (c === ',') {
        row.push(field);
        field = '';
        afterQuote = false;
      } else if (c === '\n') {
        row.push(field);
        yield row;
        row = [];
        field = '';
        afterQuote = false;
        started = false;
      } else if (c !== '\r') {
        field += c;
        afterQuote = false;
      }
    }
  }
  if (quoted) throw new ExportFormatError('CSV ends inside a quoted field');
  if (started) {
    row.push(field);
    yield row;
  }
}

async function* csvRecords(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let columns: readonly string[] | undefined;
  const column = CSV_COLUMNS.indexOf('epcisJson');
  for await (const row of csvRows(chunks)) {
    if (columns === undefined) {
      columns = [CSV_COLUMNS, CSV_COLUMNS_BEFORE_NAMES].find((documented) => row.join(',') === documented.join(','));
      if (columns === undefined) throw new ExportFormatError('the CSV header is not the documented one');
      continue;
    }
    const epcis = row[column];
    if (row.length !== columns.length || epcis === undefined) {
      throw new ExportFormatError(`a CSV row has ${row.length} fields, not ${columns.length}`);
    }
    yield epcis;
  }
}

export const readExportRecords = (
  format: ExportFormat,
  chunks: AsyncIterable<string>,
  onMasterData?: MasterDataHandler,
): AsyncGenerator<string> =>
  format === 'csv'
    ? csvRecords(chunks)
    : format === 'ndjson'
      ? ndjsonRecords(chunks, onMasterData)
      : epcisRecords(chunks, onMasterData);

export const readLines = linesOf;
