import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, CSV_COLUMNS_BEFORE_NAMES, EPCIS_CLOSING_WITH_HEADER } from '#shared/audit/domain/export-formats';
import { csvRows, ExportFormatError, readExportRecords, readLines } from '#shared/audit/domain/export-readers';
import { chunked } from '../support/export-fixtures';

/**
 * The readers verify-export trusts to find every record of a file it was handed: each odd
 * layout is either read record for record or refused by name, never read short.
 */
const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
};

async function* pieces(...parts: string[]): AsyncGenerator<string> {
  for (const part of parts) yield part;
}

const OPENING =
  '{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","epcisBody":{"eventList":[';
const masterLine = (value: Record<string, unknown>) => JSON.stringify({ type: 'EPCISDocument', ...value });
const names = [{ type: 'urn:epcglobal:epcis:vtype:Location', vocabularyElementList: [] }];

describe('readLines', () => {
  it('ends a line at LF or CRLF and keeps a last line without a newline', async () => {
    expect(await collect(readLines(pieces('a\r', '\nb\n', 'c')))).toEqual(['a', 'b', 'c']);
    expect(await collect(readLines(pieces('a\n')))).toEqual(['a']);
  });
});

describe('NDJSON records', () => {
  const read = (text: string, onMasterData?: (list: unknown) => void) =>
    collect(readExportRecords('ndjson', chunked(text, 5), onMasterData));

  it('skips blank lines and reads a record naming the document type, or one that is not JSON, as a record', async () => {
    const mentions = '{"type":"ObjectEvent","note":"EPCISDocument"}';
    const broken = '{"type":"EPCISDocument"';
    const listed = '["EPCISDocument"]';
    expect(await read(`{"a":1}\n\n  \n${mentions}\n${broken}\n${listed}\n`)).toEqual(['{"a":1}', mentions, broken, listed]);
  });

  it('hands a master-data line to the handler and reads on, with or without a handler', async () => {
    const line = masterLine({ epcisHeader: { epcisMasterData: { vocabularyList: names } }, epcisBody: { eventList: [] } });
    const lists: unknown[] = [];
    expect(await read(`${line}\n{"a":1}\n`, (list) => lists.push(list))).toEqual(['{"a":1}']);
    expect(lists).toEqual([names]);
    expect(await read(`${line}\n{"a":1}\n`)).toEqual(['{"a":1}']);
  });

  it.each([
    [
      'an extra top-level member',
      { epcisHeader: { epcisMasterData: { vocabularyList: [] } }, epcisBody: { eventList: [] }, x: 1 },
    ],
    ['a body that is no object', { epcisHeader: { epcisMasterData: { vocabularyList: [] } }, epcisBody: [] }],
    [
      'a body with more than its event list',
      { epcisHeader: { epcisMasterData: { vocabularyList: [] } }, epcisBody: { eventList: [], x: 1 } },
    ],
    [
      'an event list that is no array',
      { epcisHeader: { epcisMasterData: { vocabularyList: [] } }, epcisBody: { eventList: {} } },
    ],
    ['no header', { epcisBody: { eventList: [] } }],
    [
      'a header with more than master data',
      { epcisHeader: { epcisMasterData: { vocabularyList: [] }, x: 1 }, epcisBody: { eventList: [] } },
    ],
    ['master data that is no object', { epcisHeader: { epcisMasterData: 'names' }, epcisBody: { eventList: [] } }],
    [
      'master data with more than its list',
      { epcisHeader: { epcisMasterData: { vocabularyList: [], x: 1 } }, epcisBody: { eventList: [] } },
    ],
    [
      'a vocabulary list that is no array',
      { epcisHeader: { epcisMasterData: { vocabularyList: {} } }, epcisBody: { eventList: [] } },
    ],
  ])('refuses a document line with %s', async (_, value) => {
    await expect(read(`{"a":1}\n${masterLine(value)}\n`)).rejects.toThrow(ExportFormatError);
  });
});

describe('EPCIS document records', () => {
  const read = (text: string, onMasterData?: (list: unknown) => void) =>
    collect(readExportRecords('epcis', chunked(text, 6), onMasterData));

  it('reads past a byte-order mark, blank lines and trailing blank lines', async () => {
    expect(await read(`\uFEFF${OPENING}\n{"a":1},\n\n{"b":2}\n]}}\n\n  \n`)).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('calls the handler only for names it carries', async () => {
    const lists: unknown[] = [];
    const empty = `${EPCIS_CLOSING_WITH_HEADER}${JSON.stringify({ epcisMasterData: { vocabularyList: [] } })}}`;
    expect(await read(`${OPENING}\n{"a":1}\n${empty}\n`, (list) => lists.push(list))).toEqual(['{"a":1}']);
    expect(lists).toEqual([]);
    const full = `${EPCIS_CLOSING_WITH_HEADER}${JSON.stringify({ epcisMasterData: { vocabularyList: names } })}}`;
    expect(await read(`${OPENING}\n{"a":1}\n${full}\n`)).toEqual(['{"a":1}']);
  });

  it('refuses a first line that opens no EPCIS document, or ends elsewhere than its event list', async () => {
    await expect(read(`{"type":"EPCISDocument","eventList":{\n]}}\n`)).rejects.toThrow(/not an EPCIS document/);
    await expect(read(`{"type":"Other","epcisBody":{"eventList":[\n]}}\n`)).rejects.toThrow(/not an EPCIS document/);
  });

  it('refuses text after the document ends, and a header that is not only master data', async () => {
    await expect(read(`${OPENING}\n{"a":1}\n]}}\n{"b":2}\n`)).rejects.toThrow(/after the end/);
    await expect(read(`${OPENING}\n${EPCIS_CLOSING_WITH_HEADER}[1]}\n`)).rejects.toThrow(/more than its master data/);
  });
});

describe('CSV records', () => {
  const header = CSV_COLUMNS.join(',');
  const row = (epcis: string, columns: readonly string[] = CSV_COLUMNS) =>
    columns.map((name) => (name === 'epcisJson' ? `"${epcis.replaceAll('"', '""')}"` : 'x')).join(',');

  it('reads quoted fields holding commas, doubled quotes, line breaks, and a last row without a newline', async () => {
    expect(await collect(csvRows(pieces('', '\uFEFFa,"b,\r\n""c""",d\r\n', 'e,f,"g"')))).toEqual([
      ['a', 'b,\r\n"c"', 'd'],
      ['e', 'f', 'g'],
    ]);
  });

  it('reads the records under either documented header', async () => {
    const epcis = '{"type":"ObjectEvent","note":"a, \\"b\\"\\nc"}';
    expect(await collect(readExportRecords('csv', pieces(`${header}\r\n${row(epcis)}\r\n`)))).toEqual([epcis]);
    const before = CSV_COLUMNS_BEFORE_NAMES.join(',');
    expect(await collect(readExportRecords('csv', pieces(`${before}\r\n${row(epcis, CSV_COLUMNS_BEFORE_NAMES)}\r\n`)))).toEqual([
      epcis,
    ]);
  });

  it('refuses a file that ends inside a quoted field, and a row with too few or too many fields', async () => {
    await expect(collect(csvRows(pieces('a,"b\n')))).rejects.toThrow(/inside a quoted field/);
    await expect(collect(readExportRecords('csv', pieces(`${header}\r\nx,y\r\n`)))).rejects.toThrow(/fields, not/);
    await expect(collect(readExportRecords('csv', pieces(`${header}\r\n${row('{}')},extra\r\n`)))).rejects.toThrow(/fields, not/);
  });
});
