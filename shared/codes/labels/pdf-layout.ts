import { BadRequestError } from '#shared/errors';
import { PT_PER_MM, QUIET_ZONE_MODULES, requireIntegerIn, requirePositive } from './label-code';

/** A sheet of labels in a grid; lengths in millimetres, A4 portrait by default. */
export interface PdfLayoutOptions {
  pageWidthMm?: number;
  pageHeightMm?: number;
  marginMm?: number;
  labelWidthMm?: number;
  labelHeightMm?: number;
  /** Labels across; as many as fit unless told. */
  columns?: number;
  /** Labels down; as many as fit unless told. */
  rows?: number;
  /** Side of one module; the largest that fits the label with its quiet zone unless told. */
  moduleMm?: number;
  /** Height of the serial's text in points. */
  fontSizePt?: number;
}

/** Everything in PDF points (1/72 inch), origin at the bottom left of the page. */
export interface PdfLayout {
  pageWidth: number;
  pageHeight: number;
  columns: number;
  rows: number;
  perPage: number;
  module: number;
  fontSize: number;
  /** Bottom-left corner of the symbol (inside its quiet zone) of label `index` on a page. */
  symbolOrigin(index: number): { x: number; y: number };
  /** Centre of the label's text baseline for `line` 0 (serial) and 1 (lot). */
  textCentre(index: number, line: number): { x: number; y: number };
}

export const pdfLayout = (symbolSize: number, options: PdfLayoutOptions = {}): PdfLayout => {
  const mm = (name: keyof PdfLayoutOptions, fallback: number) => requirePositive(name, options[name] ?? fallback) * PT_PER_MM;
  const pageWidth = mm('pageWidthMm', 210);
  const pageHeight = mm('pageHeightMm', 297);
  const margin = options.marginMm === 0 ? 0 : mm('marginMm', 10);
  const labelWidth = mm('labelWidthMm', 38);
  const labelHeight = mm('labelHeightMm', 45);
  const fontSize = requirePositive('fontSizePt', options.fontSizePt ?? 7);
  const countThatFits = (space: number, each: number) => Math.floor((space - 2 * margin) / each + 1e-9);
  const columns = requireIntegerIn('columns', options.columns ?? countThatFits(pageWidth, labelWidth), 1, 1000);
  const rows = requireIntegerIn('rows', options.rows ?? countThatFits(pageHeight, labelHeight), 1, 1000);
  if (margin * 2 + columns * labelWidth > pageWidth + 1e-6 || margin * 2 + rows * labelHeight > pageHeight + 1e-6) {
    throw new BadRequestError('LABEL_LAYOUT_INVALID', 'The labels and margins do not fit the page');
  }
  const textBlock = fontSize * 2.6;
  const withQuiet = symbolSize + 2 * QUIET_ZONE_MODULES;
  const module = options.moduleMm !== undefined ? mm('moduleMm', 0) : Math.min(labelWidth, labelHeight - textBlock) / withQuiet;
  if (!(module > 0) || withQuiet * module > labelWidth + 1e-6 || withQuiet * module + textBlock > labelHeight + 1e-6) {
    throw new BadRequestError('LABEL_TOO_SMALL', 'The QR code with its 4-module quiet zone and the serial do not fit the label');
  }
  const quietSide = withQuiet * module;
  const cell = (index: number) => ({
    left: margin + (index % columns) * labelWidth,
    top: pageHeight - margin - Math.floor(index / columns) * labelHeight,
  });
  return {
    pageWidth,
    pageHeight,
    columns,
    rows,
    perPage: columns * rows,
    module,
    fontSize,
    symbolOrigin: (index) => {
      const { left, top } = cell(index);
      return {
        x: left + (labelWidth - quietSide) / 2 + QUIET_ZONE_MODULES * module,
        y: top - quietSide + QUIET_ZONE_MODULES * module,
      };
    },
    textCentre: (index, line) => {
      const { left, top } = cell(index);
      return { x: left + labelWidth / 2, y: top - quietSide - fontSize * (1 + line * 1.2) };
    },
  };
};
