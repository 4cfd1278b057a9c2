import { type AnyIterable, forEachDarkRun, type LabelCode, QUIET_ZONE_MODULES, requirePositive } from './label-code';

export interface SvgOptions {
  /** Printed side of one module in millimetres; 0.4 mm (5 dots at 300 dpi) unless told. */
  moduleMm?: number;
}

/**
 * A QR as SVG: the dark modules as one path of row runs, in module units, the quiet zone in
 * the viewBox on a white background. crispEdges keeps renderers from anti-aliasing seams
 * between runs.
 */
export const qrSvg = (modules: Uint8Array, size: number, options: SvgOptions = {}): string => {
  const side = size + 2 * QUIET_ZONE_MODULES;
  const moduleMm = requirePositive('moduleMm', options.moduleMm ?? 0.4);
  const parts: string[] = [];
  forEachDarkRun(modules, size, (row, column, length) => {
    parts.push(`M${column + QUIET_ZONE_MODULES} ${row + QUIET_ZONE_MODULES}h${length}v1h-${length}z`);
  });
  const mm = +(side * moduleMm).toFixed(3);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${mm}mm" height="${mm}mm" viewBox="0 0 ${side} ${side}" shape-rendering="crispEdges">` +
    `<rect width="${side}" height="${side}" fill="#fff"/><path fill="#000" d="${parts.join('')}"/></svg>\n`
  );
};

export interface RenderedFile {
  name: string;
  data: Uint8Array;
}

/** File name of a code's image: the serial, which is unique within a batch and URL-safe. */
export const fileNameOf = (code: LabelCode, extension: string): string => `${code.lot}/${code.serial}.${extension}`;

export async function* svgFiles(
  codes: AnyIterable<LabelCode>,
  encoder: { size: number; encodeInto(text: string, out: Uint8Array): Uint8Array },
  options: SvgOptions = {},
): AsyncGenerator<RenderedFile> {
  const matrix = new Uint8Array(encoder.size * encoder.size);
  for await (const code of codes) {
    encoder.encodeInto(code.uri, matrix);
    yield { name: fileNameOf(code, 'svg'), data: Buffer.from(qrSvg(matrix, encoder.size, options)) };
  }
}
