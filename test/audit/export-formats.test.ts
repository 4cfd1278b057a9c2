import { describe, expect, it } from 'vitest';
import {
  CSV_COLUMNS,
  csvField,
  EXPORT_FORMATS,
  type ExportRecord,
  encodeRecord,
  exportPrologue,
} from '#shared/audit/domain/export-formats';
import { csvRows, ExportFormatError, readExportRecords } from '#shared/audit/domain/export-readers';
import { namesIn, newPartiesOf, partyVocabularies } from '#shared/custody/domain/party-names';
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

  it('names the organizations in the last CSV columns, and reads back exports from before they were named', async () => {
    const parties = new Map([
      ['urn:traceseal:org:org-factory', { name: 'Hefei Helmets, Ltd', region: 'CN-AH Hefei' }],
      ['urn:traceseal:org:org-distributor', { name: 'Wuhu Safety', region: 'CN-AH Wuhu' }],
    ]);
    const shipping = records[1] as ExportRecord;
    const file = `${exportPrologue('csv', new Date())}${encodeRecord('csv', shipping, 0, parties)}`;
    const [header = [], row = []] = await collect(csvRows(chunked(file)));
    const cell = (name: string) => row[header.indexOf(name)];
    expect(header.slice(-3)).toEqual(['reporterName', 'sourceNames', 'destinationNames']);
    expect(cell('reporterName')).toBe('Hefei Helmets, Ltd (CN-AH Hefei)');
    expect(cell('sourceNames')).toBe('Hefei Helmets, Ltd (CN-AH Hefei)');
    expect(cell('destinationNames')).toBe('Wuhu Safety (CN-AH Wuhu)');
    expect(cell('epcisJson')).toBe(shipping.epcis);
    expect(await collect(readExportRecords('csv', chunked(file)))).toEqual([shipping.epcis]);
    // An export written before the name columns: its header and rows end at epcisJson.
    const before = CSV_COLUMNS.indexOf('epcisJson') + 1;
    const legacy = [header.slice(0, before), row.slice(0, before)].map((r) => `${r.map(csvField).join(',')}\r\n`).join('');
    expect(await collect(readExportRecords('csv', chunked(`\uFEFF${legacy}`)))).toEqual([shipping.epcis]);
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

describe('organizations named in EPCIS and NDJSON exports, beside the events', () => {
  const records = storedEvents(7);
  const events = records.map((r) => JSON.parse(r.epcis) as Record<string, unknown>);
  const parties = new Map([
    ['urn:traceseal:org:org-factory', { name: 'Hefei Helmets, Ltd', region: 'CN-AH Hefei' }],
    ['urn:traceseal:org:org-distributor', { name: 'Wuhu Safety', region: 'CN-AH Wuhu' }],
  ]);
  const named = async (format: 'epcis' | 'ndjson', file: string) => {
    const lists: unknown[] = [];
    const read = await collect(readExportRecords(format, chunked(file, 13), (list) => lists.push(list)));
    return { read, names: namesIn(lists.flat()) };
  };

  it('puts them in the EPCIS header after the event list, as the query response does, and the schema accepts it', async () => {
    const validate = await loadEpcisValidator();
    const { file } = encodeExport('epcis', records, parties);
    const document = JSON.parse(file) as {
      epcisHeader: { epcisMasterData: { vocabularyList: unknown[] } };
      epcisBody: { eventList: unknown[] };
    };
    expect(validate(document)).toBeUndefined();
    expect(document.epcisHeader.epcisMasterData.vocabularyList).toEqual(partyVocabularies(events, parties));
    expect(document.epcisBody.eventList).toEqual(events);
    const { read, names } = await named('epcis', file);
    expect(read).toEqual(records.map((r) => r.epcis));
    expect(Object.fromEntries(names)).toEqual({
      'urn:traceseal:org:org-factory': 'Hefei Helmets, Ltd (CN-AH Hefei)',
      'urn:traceseal:org:org-distributor': 'Wuhu Safety (CN-AH Wuhu)',
    });
    // Without a name to give, the document ends as it always did.
    expect(encodeExport('epcis', records).file.endsWith('\n]}}\n')).toBe(true);
  });

  it('gives NDJSON a master-data line before the first record naming each, a document the schema accepts alone', async () => {
    const validate = await loadEpcisValidator();
    const { file } = encodeExport('ndjson', records, parties);
    const lines = file.trim().split('\n');
    const masterData = lines.filter((line) => line.includes('"EPCISDocument"'));
    // The first record names the factory (read point, source) but no destination; the second the distributor.
    expect(lines).toHaveLength(records.length + 2);
    expect([lines[0], lines[2]]).toEqual(masterData);
    for (const line of masterData) expect(validate(JSON.parse(line))).toBeUndefined();
    const { read, names } = await named('ndjson', file);
    expect(read).toEqual(records.map((r) => r.epcis));
    expect(names.get('urn:traceseal:org:org-distributor')).toBe('Wuhu Safety (CN-AH Wuhu)');
  });

  it('refuses master data that carries anything but names, so no record hides in it', async () => {
    const hidden = JSON.stringify({
      type: 'EPCISDocument',
      epcisHeader: { epcisMasterData: { vocabularyList: [] } },
      epcisBody: { eventList: [events[0]] },
    });
    await expect(collect(readExportRecords('ndjson', chunked(`${records[1]?.epcis}\n${hidden}\n`)))).rejects.toThrow(
      /not a master-data line/,
    );
    const { file } = encodeExport('epcis', records, parties);
    const smuggled = file.replace(/\}\n$/, ',"extra":[1]}\n');
    await expect(collect(readExportRecords('epcis', chunked(smuggled)))).rejects.toThrow(/more than its master data/);
    await expect(collect(readExportRecords('epcis', chunked(file.replace(/\}\n$/, '\n'))))).rejects.toThrow(/not JSON/);
  });

  it('names at most the room left, and says how many it left out', () => {
    const shipping = events[1] ?? {};
    const none = { readPoints: new Set<string>(), sourceDests: new Set<string>() };
    expect(newPartiesOf(shipping, none, 10)).toEqual({
      fresh: {
        readPoints: ['urn:traceseal:org:org-factory'],
        sourceDests: ['urn:traceseal:org:org-factory', 'urn:traceseal:org:org-distributor'],
      },
      beyond: 0,
    });
    expect(newPartiesOf(shipping, none, 2)).toEqual({
      fresh: { readPoints: ['urn:traceseal:org:org-factory'], sourceDests: ['urn:traceseal:org:org-factory'] },
      beyond: 1,
    });
    const seen = { readPoints: new Set(['urn:traceseal:org:org-factory']), sourceDests: new Set<string>() };
    expect(newPartiesOf(shipping, seen, 0)).toEqual({ fresh: { readPoints: [], sourceDests: [] }, beyond: 2 });
  });
});
