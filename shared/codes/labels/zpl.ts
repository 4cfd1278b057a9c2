import type { EccLevel } from '#shared/codes/qr/tables';
import { BadRequestError } from '#shared/errors';
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

export const zplLabel = (code: LabelCode, options: ZplOptions = {}): string => {
  const dpi = requirePositive('dpi', options.dpi ?? 300);
  const dotsPerMm = dpi / MM_PER_INCH;
  const width = Math.round(requirePositive('labelWidthMm', options.labelWidthMm ?? 50) * dotsPerMm);
  const height = Math.round(requirePositive('labelHeightMm', options.labelHeightMm ?? 60) * dotsPerMm);
  const magnification = requireIntegerIn('magnification', options.magnification ?? 5, 1, 10);
  const textDots = requireIntegerIn('textDots', options.textDots ?? 30, 10, 200);
  const ecc = options.ecc ?? 'M';
  const uri = fieldText('URI', code.uri);
  const bytes = Buffer.byteLength(uri);
  if (bytes > 9999) throw new BadRequestError('LABEL_TEXT_INVALID', 'The URI is too long for a ZPL byte-mode field');
  const quiet = QUIET_ZONE_MODULES * magnification;
  return [
    '^XA',
    `^PW${width}`,
    `^LL${height}`,
    '^LH0,0',
    `^FO${quiet},${quiet}^BQN,2,${magnification},${ecc}^FD${ecc}M,B${String(bytes).padStart(4, '0')}${uri}^FS`,
    `^FO${quiet},${height - 2 * textDots - quiet}^A0N,${textDots},${textDots}^FB${width - 2 * quiet},1,0,C^FD${fieldText('serial', code.serial)}^FS`,
    `^FO${quiet},${height - textDots - quiet}^A0N,${textDots},${textDots}^FB${width - 2 * quiet},1,0,C^FDLOT ${fieldText('lot', code.lot)}^FS`,
    '^XZ',
    '',
  ].join('\n');
};

/** One format per code, streamed: nothing is held beyond the label being written. */
export async function* zplLabels(codes: AnyIterable<LabelCode>, options: ZplOptions = {}): AsyncGenerator<string> {
  for await (const code of codes) yield zplLabel(code, options);
}
