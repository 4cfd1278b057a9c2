import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvField, EXPORT_FORMATS } from '#shared/custody/export-formats';
import { csvRows, ExportFormatError, readExportRecords } from '#shared/custody/export-readers';
import { loadEpcisValidator } from '../support/epcis-schema';
import { chunked, encodeExport, storedEvents } from '../support/export-fixtures';

const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
};

describe('export formats', () => {
  const records = storedEvents(7);

  it('writes an EPCIS 2.0 document the official schema accepts, events in order, with and without events', async () => {
    const validate = await loadEpcisValidator();
    const { file } = encodeExport('epcis', records);
    const document = JSON.parse(file) as { epcisBody: { eventList: { eventID: string }[] }; schemaVersion: string };
    expect(validate(document)).toBeUndefined();
    expect(document.schemaVersion).toBe('2.0');
    expect(document.epcisBody.eventList.map((e) => e.eventID)).toEqual(records.map((r) => r.eventId));
    const empty = JSON.parse(encodeExport('epcis', []).file) as { epcisBody: { eventList: unknown[] } };
    expect(validate(empty)).toBeUndefined();
    expect(empty.epcisBody.eventList).toEqual([]);
  });

  it('writes CSV with a BOM, the documented header and RFC 4180 quoting that reads back field for field', async () => {
    const { file } = encodeExport('csv', records);
    expect(file.startsWith('\uFEFFeventId,entryId,eventTime,')).toBe(true);
    expect(file.endsWith('\r\n')).toBe(true);
    const rows = await collect(csvRows(chunked(file, 5)));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(records.length + 1);
    const first = rows[1] ?? [];
    const column = (name: (typeof CSV_COLUMNS)[number]) => first[CSV_COLUMNS.indexOf(name)];
    expect(column('eventId')).toBe(records[0]?.eventId);
    const event = JSON.parse(records[0]?.epcis ?? '{}') as { bizStep: string; epcList: string[] };
    expect(column('bizStep')).toBe(event.bizStep);
    expect(column('epcs')).toBe(event.epcList.join(' '));
    expect(column('epcs')).toMatch(/^https:\/\/id\.gs1\.org\/01\/06901234567892\//);
    expect(column('eventHash')).toBe(records[0]?.eventHash);
    expect(column('epcisJson')).toBe(records[0]?.epcis);
    expect(csvField('a,"b"\nc')).toBe('"a,""b""\nc"');
    expect(csvField('plain')).toBe('plain');
  });

  it('writes NDJSON as one stored event per line', () => {
    const { file } = encodeExport('ndjson', records);
    expect(file.split('\n').slice(0, -1)).toEqual(records.map((r) => r.epcis));
  });

  it.each(EXPORT_FORMATS)('reads back every record of a %s export, whatever the chunk boundaries', async (format) => {
    const { file } = encodeExport(format, records);
    for (const size of [1, 3, 64, file.length]) {
      expect(await collect(readExportRecords(format, chunked(file, size)))).toEqual(records.map((r) => r.epcis));
    }
  });

  it('refuses a file that is not in the written layout, naming why', async () => {
    await expect(collect(readExportRecords('epcis', chunked('{"a":1}\n')))).rejects.toThrow(ExportFormatError);
    await expect(collect(readExportRecords('csv', chunked('\uFEFFwrong,header\r\n')))).rejects.toThrow(/header/);
    const { file } = encodeExport('epcis', records);
    await expect(collect(readExportRecords('epcis', chunked(file.slice(0, -6))))).rejects.toThrow(/not closed|ends before/);
  });
});
