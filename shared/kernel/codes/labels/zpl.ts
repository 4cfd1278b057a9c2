import { BadRequestError } from '../../errors';
import { type EccLevel, smallestVersionFor } from '../qr/tables';
import {
  type AnyIterable,
  type LabelCode,
  MM_PER_INCH,
  QUIET_ZONE_MODULES,
  requireIntegerIn,
  requirePositive,
} from './label-code';

/**
 * ZPL II for Zebra-type printers: one ^XA…^XZ format per code. The printer draws the QR
 * itself with ^BQ (model 2), so the file carries the URI, not an image. The field data uses
 * manual input in byte mode (`MM,B0184…`: level, M, then B and the byte count in four digits)
 * rather than automatic (`MA,`), so the printer encodes the URI in the same single byte-mode
 * segment, and so the same version, as our own renderer and never picks a mixed mode.
 *
 * Layout: the symbol (its version's modules × magnification, known from the URI's byte count)
 * is centred across the label, the serial and the lot centred under it one quiet zone down,
 * and the whole block centred down the label. A label that cannot hold the symbol with its
 * quiet zone and the two lines is refused rather than printed clipped.
 */
export interface ZplOptions {
  /** Printer resolution; 300 dpi (12 dots/mm) unless told. */
  dpi?: number;
  labelWidthMm?: number;
  labelHeightMm?: number;
  /** Dots per module (^BQ magnification, 1–10). */
  magnification?: number;
  ecc?: EccLevel;
  /** Text height of the serial, in dots. */
  textDots?: number;
}

const CONTROL = /[\^~\r\n]/;

const fieldText = (name: string, value: string): string => {
  // ^ and ~ start commands anywhere in a format, even inside ^FD data.
  if (CONTROL.test(value)) throw new BadRequestError('LABEL_TEXT_INVALID', `The ${name} contains a ZPL control character`);
  return value;
};

/** Font 0 is proportional; its widest common glyphs are about this share of its height. */
const FONT0_ADVANCE = 0.6;
const MIN_TEXT_DOTS = 10;

/** The text height at which `text` fits `width` dots: `dots` unless too wide, never under the minimum. */
const fittedDots = (text: string, dots: number, width: number): number =>
  Math.max(MIN_TEXT_DOTS, Math.min(dots, Math.floor(width / (text.length * FONT0_ADVANCE))));

/** Where everything sits on a label, in dots from its top-left corner. */
export const zplGeometry = (options: ZplOptions, uriBytes: number) => {
  const dpi = requirePositive('dpi', options.dpi ?? 300);
  const dotsPerMm = dpi / MM_PER_INCH;
  const width = Math.round(requirePositive('labelWidthMm', options.labelWidthMm ?? 50) * dotsPerMm);
  const height = Math.round(requirePositive('labelHeightMm', options.labelHeightMm ?? 60) * dotsPerMm);
  const magnification = requireIntegerIn('magnification', options.magnification ?? 5, 1, 10);
  const textDots = requireIntegerIn('textDots', options.textDots ?? 30, MIN_TEXT_DOTS, 200);
  const ecc = options.ecc ?? 'M';
  const version = smallestVersionFor(uriBytes, ecc);
  if (version === undefined)
    throw new BadRequestError('QR_DATA_TOO_LONG', `${uriBytes} bytes do not fit a QR code at level ${ecc}`);
  const symbol = (17 + 4 * version) * magnification;
  const quiet = QUIET_ZONE_MODULES * magnification;
  const lineHeight = Math.round(textDots * 1.2);
  const block = symbol + quiet + 2 * lineHeight;
  if (symbol + 2 * quiet > width || block + 2 * quiet > height) {
    throw new BadRequestError(
      'LABEL_TOO_SMALL',
      'The QR code with its 4-module quiet zone and the serial and lot do not fit the label: a larger label or a smaller magnification',
    );
  }
  const top = Math.round((height - block) / 2);
  return {
    width,
    height,
    magnification,
    ecc,
    textDots,
    symbol: { x: Math.round((width - symbol) / 2), y: top, side: symbol },
    /** Text blocks span the label less a quiet zone each side, centred, one line each. */
    text: { x: quiet, width: width - 2 * quiet, lines: [top + symbol + quiet, top + symbol + quiet + lineHeight] },
  };
};

type Geometry = ReturnType<typeof zplGeometry>;

export const zplLabel = (
  code: LabelCode,
  options: ZplOptions = {},
  geometryOf: (bytes: number) => Geometry = (bytes) => zplGeometry(options, bytes),
): string => {
  const uri = fieldText('URI', code.uri);
  const bytes = Buffer.byteLength(uri);
  if (bytes > 9999) throw new BadRequestError('LABEL_TEXT_INVALID', 'The URI is too long for a ZPL byte-mode field');
  const g = geometryOf(bytes);
  const line = (y: number, text: string) => {
    const dots = fittedDots(text, g.textDots, g.text.width);
    return `^FO${g.text.x},${y}^A0N,${dots},${dots}^FB${g.text.width},1,0,C^FD${text}^FS`;
  };
  return [
    '^XA',
    `^PW${g.width}`,
    `^LL${g.height}`,
    '^LH0,0',
    `^FO${g.symbol.x},${g.symbol.y}^BQN,2,${g.magnification},${g.ecc}^FD${g.ecc}M,B${String(bytes).padStart(4, '0')}${uri}^FS`,
    line(g.text.lines[0] ?? 0, fieldText('serial', code.serial)),
    line(g.text.lines[1] ?? 0, `LOT ${fieldText('lot', code.lot)}`),
    '^XZ',
    '',
  ].join('\n');
};

/** One format per code, streamed: nothing is held beyond the label being written. */
export async function* zplLabels(codes: AnyIterable<LabelCode>, options: ZplOptions = {}): AsyncGenerator<string> {
  // Every URI of a batch has one length, so the geometry is worked out once.
  const geometries = new Map<number, Geometry>();
  const geometryOf = (bytes: number): Geometry => {
    const known = geometries.get(bytes) ?? zplGeometry(options, bytes);
    geometries.set(bytes, known);
    return known;
  };
  for await (const code of codes) yield zplLabel(code, options, geometryOf);
}
