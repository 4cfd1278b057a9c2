import { BadRequestError, ValidationError } from '../errors';

/**
 * A small multipart/form-data reader (RFC 7578) for bodies that arrive whole, as a Lambda
 * event's body does: no streaming, so no dependency. It is strict: a body it cannot read
 * exactly is a 400, never a guess.
 */
export interface MultipartPart {
  name: string;
  /** Set for file inputs (possibly empty: a file input left empty sends `filename=""`). */
  filename?: string;
  contentType?: string;
  data: Buffer;
}

const MAX_PARTS = 20;
const MAX_PART_HEADER_BYTES = 2048;

const malformed = (why: string) =>
  new BadRequestError('MALFORMED_MULTIPART', `The multipart/form-data body is malformed: ${why}`);

/** The boundary parameter of a multipart/form-data content type, or undefined if it is not one. */
export const multipartBoundary = (contentType: string): string | undefined => {
  if (!/^multipart\/form-data\s*;/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
};

const parseDisposition = (value: string): { name: string; filename?: string } => {
  if (!/^form-data\s*;/i.test(value)) throw malformed('a part is not form-data');
  const param = (key: string) => {
    const match = new RegExp(`;\\s*${key}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(value);
    return match?.[1]?.replace(/\\(.)/g, '$1');
  };
  const name = param('name');
  if (name === undefined || name === '') throw malformed('a part has no name');
  const filename = param('filename');
  return filename === undefined ? { name } : { name, filename };
};

const parseHeaders = (block: string): Map<string, string> => {
  const headers = new Map<string, string>();
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw malformed('a part header line has no name');
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
};

export const parseMultipart = (body: Buffer, boundary: string): MultipartPart[] => {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let position = body.indexOf(delimiter);
  if (position < 0) throw malformed('no boundary');
  for (;;) {
    position += delimiter.length;
    // `--` after a delimiter closes the body; anything after it is an epilogue, ignored.
    if (body[position] === 0x2d && body[position + 1] === 0x2d) return parts;
    if (body[position] !== 0x0d || body[position + 1] !== 0x0a) throw malformed('a boundary is not followed by a line break');
    position += 2;
    const headerEnd = body.indexOf('\r\n\r\n', position);
    if (headerEnd < 0 || headerEnd - position > MAX_PART_HEADER_BYTES) throw malformed('a part has no end of headers');
    const headers = parseHeaders(body.subarray(position, headerEnd).toString('utf8'));
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next < 0) throw malformed('the body ends before its closing boundary');
    const disposition = headers.get('content-disposition');
    if (disposition === undefined) throw malformed('a part has no Content-Disposition');
    const contentType = headers.get('content-type');
    parts.push({
      ...parseDisposition(disposition),
      ...(contentType === undefined ? {} : { contentType }),
      data: body.subarray(headerEnd + 4, next),
    });
    if (parts.length > MAX_PARTS) throw malformed(`more than ${MAX_PARTS} parts`);
    position = next + 2;
  }
};

/** A form's file input: at most `max` files, and what to answer for one more. */
export interface FormFileInput {
  max: number;
  /** The refusal of a file past `max`; by default a validation error on the input. */
  tooMany?: () => Error;
}

/** The inputs a form has; a part that names anything else is refused. */
export interface FormInputs {
  /** The message of a refused part's validation error ("Invalid report"). */
  invalid: string;
  /** The text inputs, each given at most once. */
  fields: ReadonlySet<string>;
  files: Readonly<Record<string, FormFileInput>>;
}

export interface FormValues {
  /** Each text input given, as UTF-8 text, for the caller's schema to check. */
  values: Record<string, string>;
  /** Each file input's files in order (none for an input left empty). */
  files: Record<string, Buffer[]>;
}

/**
 * A multipart/form-data body read as a form with exactly these inputs: a text input given
 * twice, an unknown name, a file sent for a text input or one file too many is refused, so
 * what reaches the caller's schema is what the form names, once.
 */
export const readForm = (body: Buffer, boundary: string, inputs: FormInputs): FormValues => {
  const refuse = (path: string, message: string) => new ValidationError(inputs.invalid, [{ path, message }]);
  const values: Record<string, string> = {};
  const files = new Map<string, Buffer[]>(Object.keys(inputs.files).map((name) => [name, []]));
  for (const part of parseMultipart(body, boundary)) {
    const chosen = files.get(part.name);
    const fileInput = inputs.files[part.name];
    if (chosen !== undefined && fileInput !== undefined) {
      // A file input left empty still sends its part: no file chosen.
      if (part.data.length === 0 && (part.filename ?? '') === '') continue;
      if (chosen.length >= fileInput.max) {
        throw (
          fileInput.tooMany?.() ??
          refuse(part.name, fileInput.max === 1 ? 'Given more than once' : `At most ${fileInput.max} files`)
        );
      }
      chosen.push(part.data);
      continue;
    }
    if (!inputs.fields.has(part.name) || part.filename !== undefined) throw refuse(part.name, 'Unrecognized field');
    if (Object.hasOwn(values, part.name)) throw refuse(part.name, 'Given more than once');
    values[part.name] = part.data.toString('utf8');
  }
  return { values, files: Object.fromEntries(files) };
};
