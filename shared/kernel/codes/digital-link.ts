import { BadRequestError } from '../errors';
import { aiDefinition, aiValueProblem } from './gs1-ai-table';
import { type AiElement, parseGs1DigitalLink } from './gs1-digital-link';
import { normaliseGs1Identifier } from './gs1-key-identifiers';
import { isValidGtin14 } from './gtin';
import { isValidSscc } from './sscc';

/**
 * TraceSeal labels are GS1 Digital Link URIs: https://{host}/01/{gtin14}/10/{lot}/21/{serial}?8030={digsig}
 * and https://{host}/00/{sscc}?8030={digsig}. Reading follows GS1 (shared/kernel/codes/gs1-digital-link.ts):
 * percent-encoding, a custom path prefix, any AI 10/21 value of character set 82. Issuing
 * keeps to the URL-safe subset below, so a printed code never needs percent-encoding; `L%2D1`
 * still reads as lot `L-1` and verifies the same.
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
 * A lot or serial as GS1 allows it, already percent-decoded: 1 to 20 characters of character
 * set 82. What we issue is the narrower LOT_PATTERN / SERIAL_PATTERN; reading takes all of GS1.
 */
export const isGs1Value = (ai: '10' | '21', value: string | undefined): value is string => {
  const definition = aiDefinition(ai);
  return value !== undefined && definition !== undefined && aiValueProblem(definition, value) === undefined;
};

/**
 * Checks the pieces of a scanned code, already percent-decoded (API Gateway decodes path
 * parameters). Throws a 400 for anything that cannot be a GS1 unit code at all; a code GS1
 * accepts but we never signed is not an error but a verdict (its signature does not verify).
 */
export const parseCodeParts = (parts: {
  gtin: string | undefined;
  lot: string | undefined;
  serial: string | undefined;
  digsig: string | undefined;
}): SignedCode => {
  const { gtin, serial } = checkUnitKey(parts);
  if (!isGs1Value('10', parts.lot)) {
    throw new BadRequestError('MALFORMED_CODE', 'AI 10 (lot) must be 1 to 20 characters of GS1 character set 82');
  }
  return { gtin, lot: parts.lot, serial, digsig: checkDigsig(parts.digsig) };
};

/** AI 01 and AI 21 of a unit: what identifies it, with or without its lot and signature. */
const checkUnitKey = (parts: { gtin: string | undefined; serial: string | undefined }): { gtin: string; serial: string } => {
  const { gtin, serial } = parts;
  if (gtin === undefined || !isValidGtin14(gtin)) {
    throw new BadRequestError('MALFORMED_CODE', 'AI 01 must be a GTIN-14 with a valid check digit');
  }
  if (!isGs1Value('21', serial)) {
    throw new BadRequestError('MALFORMED_CODE', 'AI 21 (serial) must be 1 to 20 characters of GS1 character set 82');
  }
  return { gtin, serial };
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

/**
 * A label read from its URI. The signature covers exactly the key and qualifiers (and AI
 * 8030 itself); any other data attribute in the query (`?17=301231`) is returned apart as
 * `unverified`, never merged into the code, since anyone can append it to a genuine label.
 */
export interface ReadLabel {
  code: ScannedCode;
  unverified: Record<string, string>;
}

const aiValue = (elements: readonly AiElement[], ai: string): string | undefined =>
  elements.find((element) => element.ai === ai)?.value;

export const readLabel = (uri: string): ReadLabel => {
  const { elements } = parseGs1DigitalLink(uri);
  const path = elements.filter((element) => element.from === 'path').map((element) => element.ai);
  const unverified: Record<string, string> = {};
  for (const { ai, value, from } of elements) if (from === 'query' && ai !== '8030') unverified[ai] = value;
  const digsig = aiValue(elements, '8030');
  if (path.join('/') === '00') {
    return { code: { kind: 'container', ...parseContainerCode({ sscc: aiValue(elements, '00'), digsig }) }, unverified };
  }
  if (path.join('/') !== '01/10/21') {
    throw new BadRequestError('MALFORMED_CODE', 'A TraceSeal label is /01/{gtin}/10/{lot}/21/{serial} or /00/{sscc}');
  }
  const code = parseCodeParts({
    gtin: aiValue(elements, '01'),
    lot: aiValue(elements, '10'),
    serial: aiValue(elements, '21'),
    digsig,
  });
  return { code: { kind: 'unit', ...code }, unverified };
};

/** A unit or container code as printed on a label, from any host; extra data attributes are dropped. */
export const parseScannedCode = (uri: string): ScannedCode => readLabel(uri).code;

/** Parses a unit label's Digital Link URI, as a scanner app or the e2e test would. */
export const parseDigitalLink = (uri: string): SignedCode => {
  const { code } = readLabel(uri);
  if (code.kind !== 'unit') throw new BadRequestError('MALFORMED_CODE', 'Not a unit label');
  const { kind: _, ...unit } = code;
  return unit;
};

/**
 * A code we issued, in any form TraceSeal hands out: the label's URI (any host, AI 8030),
 * the EPC that inventory, chains and EPCIS answers list (`https://id.gs1.org/01/{gtin}/21/{serial}`,
 * `…/00/{sscc}`, no lot, no signature), the same on another host or with its lot, and the EPC
 * URN (`urn:epc:id:sgtin:…`, `urn:epc:id:sscc:…`). A signature, when present, is the
 * label's and must verify; without one the reference only names the code, and the caller
 * must still show it was issued (see shared/custody/services/events/resolve-codes.ts).
 */
export type CodeReference =
  | ScannedCode
  | { kind: 'unit'; gtin: string; serial: string; lot?: string; digsig?: undefined }
  | { kind: 'container'; sscc: string; digsig?: undefined };

const EPC_URN = /^urn:epc:id:(sgtin|sscc):/;

export const readCodeReference = (text: string): CodeReference => {
  let uri = text;
  if (text.startsWith('urn:')) {
    const canonical = EPC_URN.test(text) ? normaliseGs1Identifier(text) : undefined;
    if (canonical === undefined) {
      throw new BadRequestError(
        'MALFORMED_CODE',
        'An EPC URN must be urn:epc:id:sgtin:{company}.{item}.{serial} or urn:epc:id:sscc:{company}.{serial}',
      );
    }
    uri = canonical;
  }
  const { elements } = parseGs1DigitalLink(uri);
  if (elements.some((element) => element.ai === '8030')) return readLabel(uri).code;
  const path = elements
    .filter((element) => element.from === 'path')
    .map((element) => element.ai)
    .join('/');
  if (path === '00') {
    const sscc = aiValue(elements, '00');
    if (sscc === undefined || !isValidSscc(sscc)) {
      throw new BadRequestError('MALFORMED_CODE', 'AI 00 must be an 18-digit SSCC with a valid check digit');
    }
    return { kind: 'container', sscc };
  }
  if (path !== '01/21' && path !== '01/10/21') {
    throw new BadRequestError(
      'MALFORMED_CODE',
      'A code is /01/{gtin}[/10/{lot}]/21/{serial} or /00/{sscc} (with or without AI 8030), or its EPC URN',
    );
  }
  const key = checkUnitKey({ gtin: aiValue(elements, '01'), serial: aiValue(elements, '21') });
  const lot = aiValue(elements, '10');
  return { kind: 'unit', ...key, ...(lot === undefined ? {} : { lot }) };
};
