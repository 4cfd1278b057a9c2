/**
 * Header values built from data. A value placed in a header never comes from data as is:
 * URIs are made of percent-encoded pieces (shared/kernel/http/uri-encoding.ts) and checked once
 * more here, and a download name travels percent-encoded (RFC 8187), so no lot, id or file
 * name can add a link, a parameter or a header line.
 */
import { percentEncode } from './uri-encoding';

/** The characters a URI-reference may hold (RFC 3986); anything else is percent-encoded. */
const NOT_URI = /[^A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/g;

/** A URI as a header may carry it: a stray character (`<`, `>`, `"`, space, CR, LF, non-ASCII) is encoded. */
export const headerUri = (uri: string): string =>
  uri.replace(NOT_URI, (c) =>
    [...Buffer.from(c, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );

/** Parameter values of our own links are tokens or quoted constants; a quote or backslash in one is escaped. */
const quoted = (value: string): string => `"${value.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]/g, ' ')}"`;

/** One link of a Link header (RFC 8288): `<uri>; rel="next"; type="…"`. */
export const linkValue = (uri: string, parameters: Readonly<Record<string, string>>): string =>
  [`<${headerUri(uri)}>`, ...Object.entries(parameters).map(([name, value]) => `${name}=${quoted(value)}`)].join('; ');

/**
 * Content-Disposition for a file: an ASCII name for old clients (anything else replaced by
 * `_`) and the exact name percent-encoded (RFC 6266, RFC 8187).
 */
export const contentDisposition = (kind: 'attachment' | 'inline', fileName: string): string => {
  const ascii = fileName.replace(/[^A-Za-z0-9\-._]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${percentEncode(fileName)}`;
};
