import { randomUUID } from 'node:crypto';
import { buildDigitalLink } from '#kernel/codes/digital-link';
import type { LabelCode } from '#kernel/codes/labels/label-code';
import { type PdfOptions, pdfLabelSheets } from '#kernel/codes/labels/pdf';
import { pdfLayout } from '#kernel/codes/labels/pdf-layout';
import { pngFiles } from '#kernel/codes/labels/png';
import { svgFiles } from '#kernel/codes/labels/svg';
import { zipFiles } from '#kernel/codes/labels/zip';
import { type ZplOptions, zplGeometry, zplLabels } from '#kernel/codes/labels/zpl';
import { createBatchQrEncoder } from '#kernel/codes/qr/encoder';
import type { EccLevel } from '#kernel/codes/qr/tables';
import { SERIAL_LENGTH } from '#kernel/codes/serial';
import { containerLabelObjectKey, labelObjectKey } from '#kernel/db/item-keys';
import type { Product } from '#registry/contract';
import type { Batch, IssuedCode } from '../domain/issuance';
import { listCodes } from '../store/batch-repository';
import type { StoredLabelOutput } from '../store/issuance-job-repository';
import { type ByteChunks, labelFileLink, writeLabelFile } from '../store/label-file-store';

export type LabelFormat = 'csv' | 'ndjson' | 'zpl' | 'pdf' | 'svg-zip' | 'png-zip';

/** What a request asks of its label files (shared/issuance/http/schemas.ts LabelOptions). */
export interface LabelOptions {
  formats: LabelFormat[];
  ecc: EccLevel;
  moduleMm?: number;
  labelWidthMm?: number;
  labelHeightMm?: number;
  pageWidthMm?: number;
  pageHeightMm?: number;
  marginMm?: number;
  dpi?: number;
  /** PDF: marks in the page margin where the sheet is cut into labels. */
  cutMarks?: boolean;
}

/** The product as a label names it: its registered name and, where given, its names by language. */
export type LabelProduct = Pick<Product, 'name' | 'names'>;

/**
 * The name printed on every label: both names when the product gives a Chinese and an
 * English one, otherwise the Chinese one, otherwise the registered name.
 */
export const labelProductName = ({ name, names }: LabelProduct): string => {
  if (names?.zh && names.en) return `${names.zh} / ${names.en}`;
  return names?.zh ?? name;
};

/** Called as label material is handed to a writer: labels so far of this file. */
export type LabelProgress = (labelsWritten: number) => Promise<void> | void;

export const DEFAULT_LABEL_OPTIONS: LabelOptions = { formats: ['csv', 'ndjson'], ecc: 'M' };

const FILES: Record<LabelFormat, { extension: string; contentType: string }> = {
  csv: { extension: 'csv', contentType: 'text/csv; charset=utf-8' },
  ndjson: { extension: 'ndjson', contentType: 'application/x-ndjson; charset=utf-8' },
  zpl: { extension: 'zpl', contentType: 'application/octet-stream' },
  pdf: { extension: 'pdf', contentType: 'application/pdf' },
  'svg-zip': { extension: 'svg.zip', contentType: 'application/zip' },
  'png-zip': { extension: 'png.zip', contentType: 'application/zip' },
};

/** AI 8030 is always a 4-character key id and an 86-character signature (signature.ts). */
const DIGSIG_LENGTH = 90;

/**
 * Refuses, before anything is written, label options the writers would refuse once the
 * codes are signed: a PDF label or a ZPL label too small for the lot's QR version with its
 * quiet zone and text, cut marks without a margin. Every URI of a lot has the same length,
 * so one made of placeholder serial and signature sizes the version exactly.
 */
export const checkLabelOptions = (batch: Pick<Batch, 'gtin' | 'lot'>, options: LabelOptions, verifyBaseUrl: string): void => {
  const uri = buildDigitalLink(verifyBaseUrl, {
    gtin: batch.gtin,
    lot: batch.lot,
    serial: '0'.repeat(SERIAL_LENGTH),
    digsig: 'A'.repeat(DIGSIG_LENGTH),
  });
  requirePrintable(options, { uri, serial: '0'.repeat(SERIAL_LENGTH), lot: batch.lot });
};

const pdfOptionsOf = (options: LabelOptions): PdfOptions => ({
  labelWidthMm: options.labelWidthMm,
  labelHeightMm: options.labelHeightMm,
  pageWidthMm: options.pageWidthMm,
  pageHeightMm: options.pageHeightMm,
  marginMm: options.marginMm,
  moduleMm: options.moduleMm,
  cutMarks: options.cutMarks,
});

const zplOptionsOf = (options: LabelOptions): ZplOptions => {
  const dpi = options.dpi ?? 300;
  const moduleMm = options.moduleMm;
  const magnification = moduleMm === undefined ? undefined : Math.max(1, Math.min(10, Math.round((moduleMm * dpi) / 25.4)));
  return {
    dpi,
    ecc: options.ecc,
    labelWidthMm: options.labelWidthMm,
    labelHeightMm: options.labelHeightMm,
    ...(magnification ? { magnification } : {}),
  };
};

/** The name a label file is stored and downloaded under. */
export const labelFileName = (batch: Pick<Batch, 'gtin' | 'lot'>, format: LabelFormat): string =>
  `${batch.gtin}-${batch.lot}.${FILES[format].extension}`;

/** The batch's codes in issue order, read back from their chunks ten thousand at a time. */
async function* storedCodes(batchId: string): AsyncGenerator<IssuedCode[]> {
  let cursor: string | undefined;
  do {
    const page = await listCodes(batchId, { cursor });
    yield page.codes;
    cursor = page.cursor;
  } while (cursor !== undefined);
}

// The same columns as GET /v1/batches/{id}/codes?format=csv, so printing software set up for it reads this too.
const CSV_HEADER = 'gtin,lot,serial,digsig,uri\r\n';

/**
 * The printer files of one set of labels (ZPL, PDF sheets, SVG or PNG in a ZIP), one
 * writer for unit and container labels alike. `sample` holds URIs as long as every label's
 * (a lot's, or a request's containers'), which size the one QR version of them all.
 */
export const printedLabels = (
  format: Exclude<LabelFormat, 'csv' | 'ndjson'>,
  labels: AsyncIterable<LabelCode>,
  sample: string[],
  options: LabelOptions,
  text: { title: string; productName?: string },
): ByteChunks => {
  const encoder = () => createBatchQrEncoder(sample, { ecc: options.ecc });
  const moduleMm = options.moduleMm;
  switch (format) {
    case 'zpl':
      return zplLabels(labels, zplOptionsOf(options));
    case 'pdf':
      return pdfLabelSheets(labels, encoder(), { ...pdfOptionsOf(options), ...text });
    case 'svg-zip':
      return zipFiles(svgFiles(labels, encoder(), { moduleMm }));
    case 'png-zip': {
      // 300 dpi: a module of moduleMm is this many pixels.
      const scale = moduleMm === undefined ? undefined : Math.max(1, Math.round((moduleMm * 300) / 25.4));
      return zipFiles(pngFiles(labels, encoder(), scale === undefined ? {} : { scale }));
    }
  }
};

/**
 * The stored pages of codes, the first read at once (it sizes the QR version). Writers pull
 * codes a page at a time as they write (streams with back-pressure), so the codes handed over
 * so far are the labels written, give or take one page: that count is the progress reported.
 */
const pagesWithProgress = async (batchId: string, onProgress: LabelProgress) => {
  const pages = storedCodes(batchId);
  const first = await pages.next();
  const firstCodes = first.done === true ? [] : first.value;
  async function* allPages(): AsyncGenerator<IssuedCode[]> {
    yield firstCodes;
    let handed = firstCodes.length;
    await onProgress(handed);
    for await (const codes of pages) {
      yield codes;
      handed += codes.length;
      await onProgress(handed);
    }
  }
  return { firstCodes, allPages };
};

/** A code list's header and its line for one code, given the URI its label would carry. */
const CODE_LISTS: Record<'csv' | 'ndjson', { header: string; line: (batch: Batch, code: IssuedCode, uri: string) => string }> = {
  csv: { header: CSV_HEADER, line: (batch, c, uri) => `${batch.gtin},${batch.lot},${c.serial},${c.digsig},${uri}\r\n` },
  ndjson: {
    header: '',
    line: (batch, c, uri) => `${JSON.stringify({ gtin: batch.gtin, lot: batch.lot, serial: c.serial, digsig: c.digsig, uri })}\n`,
  },
};

async function* codeList(
  format: 'csv' | 'ndjson',
  batch: Batch,
  pages: AsyncIterable<IssuedCode[]>,
  uriOf: (code: IssuedCode) => string,
): ByteChunks {
  const { header, line } = CODE_LISTS[format];
  if (header !== '') yield header;
  for await (const codes of pages) yield codes.map((c) => line(batch, c, uriOf(c))).join('');
}

/**
 * Label files are written from the stored chunks, never from a run's memory, so a file made
 * after a crash and resume holds exactly the codes a clean run's would, byte for byte.
 */
export const writeLabelOutput = async (
  batch: Batch,
  product: LabelProduct,
  format: LabelFormat,
  options: LabelOptions,
  verifyBaseUrl: string,
  onProgress: LabelProgress = () => undefined,
): Promise<StoredLabelOutput> => {
  const uriOf = (code: IssuedCode) =>
    buildDigitalLink(verifyBaseUrl, { gtin: batch.gtin, lot: batch.lot, serial: code.serial, digsig: code.digsig });
  const { firstCodes, allPages } = await pagesWithProgress(batch.id, onProgress);
  async function* labels(): AsyncGenerator<LabelCode> {
    for await (const codes of allPages())
      for (const code of codes) yield { uri: uriOf(code), serial: code.serial, lot: batch.lot };
  }
  // Every URI of a batch has the same length (fixed GTIN, lot, serial and signature lengths),
  // so the first page sizes the one QR version of the whole batch.
  const chunks =
    format === 'csv' || format === 'ndjson'
      ? codeList(format, batch, allPages(), uriOf)
      : printedLabels(format, labels(), firstCodes.slice(0, 8).map(uriOf), options, {
          title: `${batch.gtin} lot ${batch.lot}`,
          productName: labelProductName(product),
        });
  const file = labelFileName(batch, format);
  const written = await writeLabelFile(labelObjectKey(batch.id, file), chunks, FILES[format].contentType);
  return { format, file, ...written };
};

/**
 * Throws the 400 a label layout would throw, before anything is issued: a request whose
 * labels cannot be printed must write nothing. `sample` is a URI as long as the real ones.
 */
export const requirePrintable = (options: LabelOptions, sample: LabelCode): void => {
  if (options.formats.includes('pdf')) {
    pdfLayout(createBatchQrEncoder([sample.uri], { ecc: options.ecc }).size, pdfOptionsOf(options));
  }
  if (options.formats.includes('zpl')) zplGeometry(zplOptionsOf(options), Buffer.byteLength(sample.uri));
};

export interface ContainerLabelFile {
  format: LabelFormat;
  bytes: number;
  sha256: string;
  url: string;
}

/**
 * Printable labels of containers just issued, from the very signatures the call answers
 * with (signing again would make a second genuine URI of the same SSCC). A label's text
 * is its SSCC and its kind. Stored like a batch's label files, linked for as long.
 */
export const writeContainerLabels = async (
  containers: readonly { sscc: string; uri: string }[],
  kind: string,
  options: LabelOptions,
  linkTtlSeconds: number,
): Promise<ContainerLabelFile[]> => {
  const request = randomUUID();
  const files: ContainerLabelFile[] = [];
  async function* labels(): AsyncGenerator<LabelCode> {
    for (const { sscc, uri } of containers) yield { uri, serial: sscc, lot: kind };
  }
  async function* text(render: (c: { sscc: string; uri: string }) => string, header = ''): ByteChunks {
    if (header !== '') yield header;
    for (const container of containers) yield render(container);
  }
  for (const format of options.formats) {
    const chunks =
      format === 'csv'
        ? text((c) => `${c.sscc},${new URL(c.uri).searchParams.get('8030') ?? ''},${c.uri}\r\n`, 'sscc,digsig,uri\r\n')
        : format === 'ndjson'
          ? text((c) => `${JSON.stringify({ sscc: c.sscc, digsig: new URL(c.uri).searchParams.get('8030'), uri: c.uri })}\n`)
          : printedLabels(
              format,
              labels(),
              containers.slice(0, 8).map((c) => c.uri),
              options,
              { title: `${kind} labels` },
            );
    const file = `${kind}-${containers[0]?.sscc ?? 'none'}.${FILES[format].extension}`;
    const key = containerLabelObjectKey(request, file);
    const written = await writeLabelFile(key, chunks, FILES[format].contentType);
    files.push({ format, ...written, url: await labelFileLink(key, file, linkTtlSeconds) });
  }
  return files;
};
