import { BadRequestError } from '#shared/errors';
import { isValidGtin14 } from './gtin';
import { isValidSscc } from './sscc';

/**
 * GS1 Digital Link URIs: https://{host}/01/{gtin14}/10/{lot}/21/{serial}?8030={digsig}.
 * AI 10 and AI 21 allow GS1's 82-character set; we accept only its URL-safe subset so a
 * code never needs percent-encoding and the signed form and the URI can't disagree.
 */
export const LOT_PATTERN = /^[A-Za-z0-9\-._]{1,20}$/;
export const SERIAL_PATTERN = /^[A-Za-z0-9\-._]{1,20}$/;
/** 4-character key id followed by the 86-character base64url ES256 signature. */
export const DIGSIG_PATTERN = /^[A-Za-z0-9_-]{90}$/;

export interface CodeIdentity {
  gtin: string;
  lot: string;
  serial: string;
}

export interface SignedCode extends CodeIdentity {
  digsig: string;
}

export const digitalLinkPath = ({ gtin, lot, serial }: CodeIdentity): string => `/01/${gtin}/10/${lot}/21/${serial}`;

export const buildDigitalLink = (baseUrl: string, code: SignedCode): string =>
  `${baseUrl.replace(/\/+$/, '')}${digitalLinkPath(code)}?8030=${code.digsig}`;

/** AI 8030 of any label, unit or container: a missing one and a malformed one are told apart. */
const checkDigsig = (digsig: string | undefined): string => {
  if (digsig === undefined || digsig === '') {
    throw new BadRequestError('MISSING_SIGNATURE', 'The code has no AI 8030 digital signature');
  }
  if (!DIGSIG_PATTERN.test(digsig)) {
    throw new BadRequestError('MALFORMED_CODE', 'AI 8030 must be 90 base64url characters');
  }
  return digsig;
};

/**
 * Checks the pieces of a scanned code. Throws a 400 for anything that cannot be one of
 * our codes at all; a well-formed code with a bad signature is not an error but a verdict.
 */
export const parseCodeParts = (parts: {
  gtin: string | undefined;
  lot: string | undefined;
  serial: string | undefined;
  digsig: string | undefined;
}): SignedCode => {
  const { gtin, lot, serial, digsig } = parts;
  if (gtin === undefined || !isValidGtin14(gtin)) {
    throw new BadRequestError('MALFORMED_CODE', 'AI 01 must be a GTIN-14 with a valid check digit');
  }
  if (lot === undefined || !LOT_PATTERN.test(lot)) {
    throw new BadRequestError('MALFORMED_CODE', 'AI 10 (lot) must be 1 to 20 URL-safe characters');
  }
  if (serial === undefined || !SERIAL_PATTERN.test(serial)) {
    throw new BadRequestError('MALFORMED_CODE', 'AI 21 (serial) must be 1 to 20 URL-safe characters');
  }
  return { gtin, lot, serial, digsig: checkDigsig(digsig) };
};

/** Parses a full Digital Link URI, as a scanner app or the e2e test would. */
export const parseDigitalLink = (uri: string): SignedCode => {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new BadRequestError('MALFORMED_CODE', 'Not a URI');
  }
  const match = /^\/01\/([^/]+)\/10\/([^/]+)\/21\/([^/]+)$/.exec(url.pathname);
  return parseCodeParts({
    gtin: match?.[1],
    lot: match?.[2],
    serial: match?.[3],
    digsig: url.searchParams.get('8030') ?? undefined,
  });
};

export interface SignedContainerCode {
  sscc: string;
  digsig: string;
}

/** The checks every container label gets, from a verification route or inside a custody event. */
export const parseContainerCode = (parts: { sscc: string | undefined; digsig: string | undefined }): SignedContainerCode => {
  const { sscc } = parts;
  if (sscc === undefined || !isValidSscc(sscc)) {
    throw new BadRequestError('MALFORMED_CODE', 'AI 00 must be an 18-digit SSCC with a valid check digit');
  }
  return { sscc, digsig: checkDigsig(parts.digsig) };
};

export type ScannedCode = ({ kind: 'unit' } & SignedCode) | ({ kind: 'container' } & SignedContainerCode);

export const buildContainerLink = (baseUrl: string, code: SignedContainerCode): string =>
  `${baseUrl.replace(/\/+$/, '')}/00/${code.sscc}?8030=${code.digsig}`;

/** A unit or container code as printed on a label, from any host. */
export const parseScannedCode = (uri: string): ScannedCode => {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new BadRequestError('MALFORMED_CODE', `Not a URI: ${uri.slice(0, 100)}`);
  }
  const container = /^\/00\/([^/]+)$/.exec(url.pathname);
  if (container === null) return { kind: 'unit', ...parseDigitalLink(uri) };
  return { kind: 'container', ...parseContainerCode({ sscc: container[1], digsig: url.searchParams.get('8030') ?? undefined }) };
};
