import { BadRequestError } from '../../errors';
import { PT_PER_MM, QUIET_ZONE_MODULES, requireIntegerIn, requirePositive } from './label-code';
import { LATIN_ADVANCE, MIN_FONT_SIZE_PT } from './pdf-text';

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
  /**
   * Height of the label's text in points, 7 unless told; set smaller where a chosen module
   * size leaves less room, and a line too wide for the label smaller still.
   */
  fontSizePt?: number;
  /** Marks in the page margin where each column and row of labels is cut. */
  cutMarks?: boolean;
}

/** Lines under each symbol: the scan prompt, the product's name, the serial, the lot. */
export const LABEL_TEXT_LINES = 4;
/** Text keeps this far from the label's edges, so a cut a little off the line never clips it. */
const TEXT_INSET_MM = 1;
/** "LOT " and the longest lot GS1 allows: a code's text is never cut, so the label must hold it at the smallest size. */
const LONGEST_CODE_LINE_EMS = (4 + 20) * LATIN_ADVANCE;
/** Cut marks stop this short of the labels, so a mark never prints on one. */
const CUT_MARK_GAP_MM = 1;
const CUT_MARK_MAX_MM = 5;
/** Margin that leaves a cut mark long enough to see and to align a blade with. */
export const MIN_CUT_MARK_MARGIN_MM = 3;

/** Everything in PDF points (1/72 inch), origin at the bottom left of the page. */
export interface PdfLayout {
  pageWidth: number;
  pageHeight: number;
  columns: number;
  rows: number;
  perPage: number;
  module: number;
  fontSize: number;
  /** The widest a line of text may be on a label. */
  textWidth: number;
  /** Bottom-left corner of the symbol (inside its quiet zone) of label `index` on a page. */
  symbolOrigin(index: number): { x: number; y: number };
  /** Centre of the label's text baseline for `line` 0 to LABEL_TEXT_LINES - 1, top line first. */
  textCentre(index: number, line: number): { x: number; y: number };
  /** Cut marks of a page as line segments [x1, y1, x2, y2]; none unless asked for. */
  cutMarks: [number, number, number, number][];
}

/** The page, its margin and its grid of labels, in points, checked to fit one another. */
interface Grid {
  pageWidth: number;
  pageHeight: number;
  margin: number;
  labelWidth: number;
  labelHeight: number;
  columns: number;
  rows: number;
  requestedFontSize: number;
}

/** A length option in points, checked positive. */
const millimetres =
  (options: PdfLayoutOptions) =>
  (name: 'pageWidthMm' | 'pageHeightMm' | 'marginMm' | 'labelWidthMm' | 'labelHeightMm' | 'moduleMm', fallback: number) =>
    requirePositive(name, options[name] ?? fallback) * PT_PER_MM;

const gridOf = (options: PdfLayoutOptions): Grid => {
  const mm = millimetres(options);
  const pageWidth = mm('pageWidthMm', 210);
  const pageHeight = mm('pageHeightMm', 297);
  const margin = options.marginMm === 0 ? 0 : mm('marginMm', 10);
  const labelWidth = mm('labelWidthMm', 38);
  const labelHeight = mm('labelHeightMm', 45);
  const requestedFontSize = requirePositive('fontSizePt', options.fontSizePt ?? 7);
  const countThatFits = (space: number, each: number) => Math.floor((space - 2 * margin) / each + 1e-9);
  const columns = requireIntegerIn('columns', options.columns ?? countThatFits(pageWidth, labelWidth), 1, 1000);
  const rows = requireIntegerIn('rows', options.rows ?? countThatFits(pageHeight, labelHeight), 1, 1000);
  if (margin * 2 + columns * labelWidth > pageWidth + 1e-6 || margin * 2 + rows * labelHeight > pageHeight + 1e-6) {
    throw new BadRequestError('LABEL_LAYOUT_INVALID', 'The labels and margins do not fit the page');
  }
  if (options.cutMarks === true && margin < MIN_CUT_MARK_MARGIN_MM * PT_PER_MM - 1e-6) {
    throw new BadRequestError(
      'LABEL_LAYOUT_INVALID',
      `Cut marks are printed in the page margin: marginMm must be at least ${MIN_CUT_MARK_MARGIN_MM}`,
    );
  }
  return { pageWidth, pageHeight, margin, labelWidth, labelHeight, columns, rows, requestedFontSize };
};

/** The module's side and the text's size on one label, checked legible; `moduleMm` is read only when given. */
const symbolAndText = (symbolSize: number, grid: Grid, options: PdfLayoutOptions) => {
  const { labelWidth, labelHeight, requestedFontSize } = grid;
  const lineHeights = 1.2 * LABEL_TEXT_LINES + 0.4;
  const withQuiet = symbolSize + 2 * QUIET_ZONE_MODULES;
  // A module size the factory chose is kept and the text set smaller to fit under it (not
  // below the legible minimum); otherwise the symbol takes what the text leaves.
  const module =
    options.moduleMm !== undefined
      ? millimetres(options)('moduleMm', 0)
      : Math.min(labelWidth, labelHeight - requestedFontSize * lineHeights) / withQuiet;
  const fontSize = Math.min(requestedFontSize, (labelHeight - withQuiet * module) / lineHeights);
  if (!(module > 0) || withQuiet * module > labelWidth + 1e-6 || fontSize < MIN_FONT_SIZE_PT - 1e-9) {
    throw new BadRequestError(
      'LABEL_TOO_SMALL',
      'The QR code with its 4-module quiet zone and the label text do not fit the label',
    );
  }
  const textWidth = labelWidth - 2 * TEXT_INSET_MM * PT_PER_MM;
  if (textWidth < LONGEST_CODE_LINE_EMS * MIN_FONT_SIZE_PT) {
    const least = Math.ceil((LONGEST_CODE_LINE_EMS * MIN_FONT_SIZE_PT) / PT_PER_MM + 2 * TEXT_INSET_MM);
    throw new BadRequestError('LABEL_TOO_SMALL', `Labels narrower than ${least} mm cannot print a 20-character lot legibly`);
  }
  return { module, fontSize, textWidth, quietSide: withQuiet * module };
};

/** Short strokes in the margin along each column's and row's edge, stopping short of the labels. */
const cutMarksOf = ({ margin, pageHeight, columns, rows, labelWidth, labelHeight }: Grid): PdfLayout['cutMarks'] => {
  const cutMarks: PdfLayout['cutMarks'] = [];
  const gap = CUT_MARK_GAP_MM * PT_PER_MM;
  const length = Math.min(margin - gap, CUT_MARK_MAX_MM * PT_PER_MM);
  const [gridLeft, gridTop] = [margin, pageHeight - margin];
  const [gridRight, gridBottom] = [margin + columns * labelWidth, pageHeight - margin - rows * labelHeight];
  for (let column = 0; column <= columns; column++) {
    const x = gridLeft + column * labelWidth;
    cutMarks.push([x, gridTop + gap, x, gridTop + gap + length], [x, gridBottom - gap, x, gridBottom - gap - length]);
  }
  for (let row = 0; row <= rows; row++) {
    const y = gridTop - row * labelHeight;
    cutMarks.push([gridLeft - gap, y, gridLeft - gap - length, y], [gridRight + gap, y, gridRight + gap + length, y]);
  }
  return cutMarks;
};

export const pdfLayout = (symbolSize: number, options: PdfLayoutOptions = {}): PdfLayout => {
  const grid = gridOf(options);
  const { pageWidth, pageHeight, margin, labelWidth, labelHeight, columns, rows } = grid;
  const { module, fontSize, textWidth, quietSide } = symbolAndText(symbolSize, grid, options);
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
    textWidth,
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
    cutMarks: options.cutMarks === true ? cutMarksOf(grid) : [],
  };
};
