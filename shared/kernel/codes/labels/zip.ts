import { crc32, deflateRawSync } from 'node:zlib';
import { BadRequestError } from '../../errors';
import type { AnyIterable } from './label-code';
import type { RenderedFile } from './svg';

/**
 * A streaming ZIP writer for per-code images. Each entry is small and already in memory, so
 * its CRC and sizes are known before its local header is written: no data descriptors, and
 * the archive is yielded entry by entry. Only the central directory (about 80 bytes a file)
 * waits for the end, as the format requires. ZIP64 records are added once a batch passes
 * 65,535 files or 4 GiB, which a million-code lot does.
 *
 * Written here rather than with yazl: yazl takes entries through a Node stream with no
 * per-entry back-pressure, so a producer has to watch its output to stay bounded, while a
 * generator is pulled by its consumer; and this is about 150 lines over node:zlib.
 */
export interface ZipOptions {
  /** Entry time; a fixed date by default so the same batch always gives the same bytes. */
  modified?: Date;
}

const U16 = 0xffff;
const U32 = 0xffffffff;
const FLAG_UTF8 = 0x0800;

const dosDateTime = (date: Date | undefined): { time: number; day: number } => {
  if (date === undefined) return { time: 0, day: (0 << 9) | (1 << 5) | 1 };
  return {
    time: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | (date.getUTCSeconds() >> 1),
    day: ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  };
};

/** PNG is deflated already; a second pass costs time for nothing. */
const storesAsIs = (name: string): boolean => name.endsWith('.png');

/** What the local header and the central directory both say of an entry. */
interface Entry {
  name: Buffer;
  method: number;
  time: number;
  day: number;
  crc: number;
  compressedSize: number;
  size: number;
}

const localHeader = (entry: Entry): Buffer => {
  const { name } = entry;
  const local = Buffer.alloc(30 + name.length);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(FLAG_UTF8, 6);
  local.writeUInt16LE(entry.method, 8);
  local.writeUInt16LE(entry.time, 10);
  local.writeUInt16LE(entry.day, 12);
  local.writeUInt32LE(entry.crc, 14);
  local.writeUInt32LE(entry.compressedSize, 18);
  local.writeUInt32LE(entry.size, 22);
  local.writeUInt16LE(name.length, 26);
  name.copy(local, 30);
  return local;
};

/** The entry's central directory record; past 4 GiB its local header's offset goes in a ZIP64 field. */
const centralRecord = (entry: Entry, offset: number): Buffer => {
  const { name } = entry;
  const far = offset >= U32;
  const record = Buffer.alloc(46 + name.length + (far ? 12 : 0));
  record.writeUInt32LE(0x02014b50, 0);
  record.writeUInt16LE(45, 4);
  record.writeUInt16LE(far ? 45 : 20, 6);
  record.writeUInt16LE(FLAG_UTF8, 8);
  record.writeUInt16LE(entry.method, 10);
  record.writeUInt16LE(entry.time, 12);
  record.writeUInt16LE(entry.day, 14);
  record.writeUInt32LE(entry.crc, 16);
  record.writeUInt32LE(entry.compressedSize, 20);
  record.writeUInt32LE(entry.size, 24);
  record.writeUInt16LE(name.length, 28);
  record.writeUInt16LE(far ? 12 : 0, 30);
  record.writeUInt32LE(far ? U32 : offset, 42);
  name.copy(record, 46);
  if (far) {
    // ZIP64 extended information: only the field that overflowed, the local header offset.
    record.writeUInt16LE(0x0001, 46 + name.length);
    record.writeUInt16LE(8, 48 + name.length);
    record.writeBigUInt64LE(BigInt(offset), 50 + name.length);
  }
  return record;
};

/** The ZIP64 end records (only when a count, offset or size overflowed) and the classic end record. */
function* endRecords(count: number, centralOffset: number, centralSize: number): Generator<Buffer> {
  const zip64 = count >= U16 || centralOffset >= U32 || centralSize >= U32;
  if (zip64) {
    const record = Buffer.alloc(56 + 20);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(count), 24);
    record.writeBigUInt64LE(BigInt(count), 32);
    record.writeBigUInt64LE(BigInt(centralSize), 40);
    record.writeBigUInt64LE(BigInt(centralOffset), 48);
    record.writeUInt32LE(0x07064b50, 56);
    record.writeBigUInt64LE(BigInt(centralOffset + centralSize), 64);
    record.writeUInt32LE(1, 72);
    yield record;
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Math.min(count, U16), 8);
  end.writeUInt16LE(Math.min(count, U16), 10);
  end.writeUInt32LE(zip64 ? U32 : centralSize, 12);
  end.writeUInt32LE(zip64 ? U32 : centralOffset, 16);
  yield end;
}

export async function* zipFiles(files: AnyIterable<RenderedFile>, options: ZipOptions = {}): AsyncGenerator<Uint8Array> {
  const { time, day } = dosDateTime(options.modified);
  const central: Buffer[] = [];
  let offset = 0;
  for await (const file of files) {
    const method = storesAsIs(file.name) ? 0 : 8;
    const body = method === 0 ? file.data : deflateRawSync(file.data);
    if (file.data.length >= U32 || body.length >= U32)
      throw new BadRequestError('ZIP_ENTRY_TOO_LARGE', `${file.name} is over 4 GiB`);
    const entry: Entry = {
      name: Buffer.from(file.name, 'utf8'),
      method,
      time,
      day,
      crc: crc32(file.data),
      compressedSize: body.length,
      size: file.data.length,
    };
    const local = localHeader(entry);
    central.push(centralRecord(entry, offset));
    yield local;
    yield body;
    offset += local.length + body.length;
  }

  const centralOffset = offset;
  let centralSize = 0;
  // Yielded in slices so a million-entry directory never becomes one buffer.
  for (let i = 0; i < central.length; i += 4096) {
    const slice = Buffer.concat(central.slice(i, i + 4096));
    centralSize += slice.length;
    yield slice;
  }
  yield* endRecords(central.length, centralOffset, centralSize);
}
