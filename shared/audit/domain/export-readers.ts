import { CSV_COLUMNS, CSV_COLUMNS_BEFORE_NAMES, type ExportFormat } from './export-formats';

/**
 * Reading an export back, one record at a time (verify-export): each reader yields the
 * stored EPCIS JSON of every record, in file order, from the file's text in chunks of any size.
 */
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

async function* ndjsonRecords(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  for await (const line of linesOf(chunks)) if (line.trim() !== '') yield line;
}

/**
 * The layout TraceSeal writes: the document up to `"eventList":[` on the first line, one
 * event per line (all but the last ending in a comma), then `]}}`. Anything else is refused
 * with a clear error (the file's hash would not match the manifest anyway).
 */
async function* epcisRecords(chunks: AsyncIterable<string>): AsyncGenerator<string> {
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
    if (line === ']}}') {
      closed = true;
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

export const readExportRecords = (format: ExportFormat, chunks: AsyncIterable<string>): AsyncGenerator<string> =>
  format === 'csv' ? csvRecords(chunks) : format === 'ndjson' ? ndjsonRecords(chunks) : epcisRecords(chunks);

export const readLines = linesOf;
