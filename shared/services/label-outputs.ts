import { randomUUID } from 'node:crypto';
import { buildDigitalLink } from '#shared/codes/digital-link';
import type { LabelCode } from '#shared/codes/labels/label-code';
import { pdfLabelSheets } from '#shared/codes/labels/pdf';
import { pdfLayout } from '#shared/codes/labels/pdf-layout';
import { pngFiles } from '#shared/codes/labels/png';
import { svgFiles } from '#shared/codes/labels/svg';
import { zipFiles } from '#shared/codes/labels/zip';
import { zplLabel, zplLabels } from '#shared/codes/labels/zpl';
import { createBatchQrEncoder } from '#shared/codes/qr/encoder';
import type { EccLevel } from '#shared/codes/qr/tables';
import type { Batch, IssuedCode } from '#shared/domain/types';
import { listCodes } from '#shared/store/batch-repository';
import type { StoredLabelOutput } from '#shared/store/issuance-job-repository';
import { containerLabelObjectKey, labelObjectKey } from '#shared/store/keys';
import { type ByteChunks, labelFileLink, writeLabelFile } from '#shared/store/label-file-store';

export type LabelFormat = 'csv' | 'ndjson' | 'zpl' | 'pdf' | 'svg-zip' | 'png-zip';

/** What a request asks of its label files (shared/http/schemas/batches.ts LabelOptions). */
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
}

export const DEFAULT_LABEL_OPTIONS: LabelOptions = { formats: ['csv', 'ndjson'], ecc: 'M' };

const FILES: Record<LabelFormat, { extension: string; contentType: string }> = {
  csv: { extension: 'csv', contentType: 'text/csv; charset=utf-8' },
  ndjson: { extension: 'ndjson', contentType: 'application/x-ndjson; charset=utf-8' },
  zpl: { extension: 'zpl', contentType: 'application/octet-stream' },
  pdf: { extension: 'pdf', contentType: 'application/pdf' },
  'svg-zip': { extension: 'svg.zip', contentType: 'application/zip' },
  'png-zip': { extension: 'png.zip', contentType: 'application/zip' },
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
  title: string,
): ByteChunks => {
  const encoder = () => createBatchQrEncoder(sample, { ecc: options.ecc });
  const moduleMm = options.moduleMm;
  const labelSize = { labelWidthMm: options.labelWidthMm, labelHeightMm: options.labelHeightMm };
  switch (format) {
    case 'zpl': {
      const dpi = options.dpi ?? 300;
      const magnification = moduleMm === undefined ? undefined : Math.max(1, Math.min(10, Math.round((moduleMm * dpi) / 25.4)));
      return zplLabels(labels, { dpi, ecc: options.ecc, ...labelSize, ...(magnification ? { magnification } : {}) });
    }
    case 'pdf':
      return pdfLabelSheets(labels, encoder(), {
        ...labelSize,
        pageWidthMm: options.pageWidthMm,
        pageHeightMm: options.pageHeightMm,
        marginMm: options.marginMm,
        moduleMm,
        title,
      });
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
 * Label files are written from the stored chunks, never from a run's memory, so a file made
 * after a crash and resume holds exactly the codes a clean run's would, byte for byte.
 */
export const writeLabelOutput = async (
  batch: Batch,
  format: LabelFormat,
  options: LabelOptions,
  verifyBaseUrl: string,
): Promise<StoredLabelOutput> => {
  const uriOf = (code: IssuedCode) =>
    buildDigitalLink(verifyBaseUrl, { gtin: batch.gtin, lot: batch.lot, serial: code.serial, digsig: code.digsig });
  const pages = storedCodes(batch.id);
  const first = await pages.next();
  const firstCodes = first.done === true ? [] : first.value;

  async function* allPages(): AsyncGenerator<IssuedCode[]> {
    yield firstCodes;
    yield* pages;
  }
  async function* labels(): AsyncGenerator<LabelCode> {
    for await (const codes of allPages())
      for (const code of codes) yield { uri: uriOf(code), serial: code.serial, lot: batch.lot };
  }
  async function* text(render: (codes: IssuedCode[]) => string, header = ''): ByteChunks {
    if (header !== '') yield header;
    for await (const codes of allPages()) yield render(codes);
  }
  // Every URI of a batch has the same length (fixed GTIN, lot, serial and signature lengths),
  // so the first page sizes the one QR version of the whole batch.
  const sample = () => firstCodes.slice(0, 8).map(uriOf);
  let chunks: ByteChunks;
  switch (format) {
    case 'csv':
      chunks = text(
        (codes) => codes.map((c) => `${batch.gtin},${batch.lot},${c.serial},${c.digsig},${uriOf(c)}\r\n`).join(''),
        CSV_HEADER,
      );
      break;
    case 'ndjson':
      chunks = text((codes) =>
        codes
          .map(
            (c) => `${JSON.stringify({ gtin: batch.gtin, lot: batch.lot, serial: c.serial, digsig: c.digsig, uri: uriOf(c) })}\n`,
          )
          .join(''),
      );
      break;
    default:
      chunks = printedLabels(format, labels(), sample(), options, `${batch.gtin} lot ${batch.lot}`);
  }
  const file = labelFileName(batch, format);
  const written = await writeLabelFile(labelObjectKey(batch.id, file), chunks, FILES[format].contentType);
  return { format, file, ...written };
};

/**
 * Throws the 400 a label layout would throw, before anything is issued: a request whose
 * labels cannot be printed must write nothing. `sample` is a URI as long as the real ones.
 */
export const requirePrintable = (options: LabelOptions, sample: LabelCode): void => {
  const labelSize = { labelWidthMm: options.labelWidthMm, labelHeightMm: options.labelHeightMm };
  if (options.formats.includes('pdf')) {
    pdfLayout(createBatchQrEncoder([sample.uri], { ecc: options.ecc }).size, {
      ...labelSize,
      pageWidthMm: options.pageWidthMm,
      pageHeightMm: options.pageHeightMm,
      marginMm: options.marginMm,
      moduleMm: options.moduleMm,
    });
  }
  if (options.formats.includes('zpl')) zplLabel(sample, { dpi: options.dpi ?? 300, ecc: options.ecc, ...labelSize });
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
              `${kind} labels`,
            );
    const file = `${kind}-${containers[0]?.sscc ?? 'none'}.${FILES[format].extension}`;
    const key = containerLabelObjectKey(request, file);
    const written = await writeLabelFile(key, chunks, FILES[format].contentType);
    files.push({ format, ...written, url: await labelFileLink(key, file, linkTtlSeconds) });
  }
  return files;
};
