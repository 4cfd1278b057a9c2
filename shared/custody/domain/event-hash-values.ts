import { normaliseGs1Identifier } from '#kernel/codes/gs1-key-identifiers';

/**
 * How single values enter the CBV 2.0 event hash pre-hash string (CBV 2.0 "Event ID",
 * rules 5-9 and 14-17): trimmed, numbers without trailing zeros, timestamps in UTC at
 * millisecond precision, CURIEs expanded, CBV URNs as Web URIs, GS1 keys as constrained
 * canonical Digital Link URIs. Where GS1's reference implementation
 * (RalphTro/epcis-event-hash-generator) goes further than the text, we follow it, because
 * partners check our event IDs with that tool; where it differs from the text only on
 * input that is invalid EPCIS or through accidents of Python, we follow the text.
 */

/** Namespace prefixes → IRIs, from the document's @context. */
export type Prefixes = ReadonlyMap<string, string>;

/** Sort order of the standard: UTF-8 byte order, i.e. code points (not UTF-16 units). */
export const compareCodePoints = (a: string, b: string): number => {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a.charCodeAt(i) !== b.charCodeAt(i)) return (a.codePointAt(i) ?? 0) - (b.codePointAt(i) ?? 0);
  }
  return a.length - b.length;
};

export const sortCodePoints = (values: string[]): string[] => [...values].sort(compareCodePoints);

/** `prefix:rest` with a prefix the document's context defines, as the full IRI; else undefined. */
export const expandCurie = (value: string, prefixes: Prefixes): string | undefined => {
  const colon = value.indexOf(':');
  if (colon <= 0) return undefined;
  const namespace = prefixes.get(value.slice(0, colon));
  return namespace === undefined ? undefined : namespace + value.slice(colon + 1);
};

const CBV_URN_TO_WEB: ReadonlyArray<readonly [string, string]> = [
  ['urn:epcglobal:cbv:bizstep:', 'https://ref.gs1.org/cbv/BizStep-'],
  ['urn:epcglobal:cbv:disp:', 'https://ref.gs1.org/cbv/Disp-'],
  ['urn:epcglobal:cbv:btt:', 'https://ref.gs1.org/cbv/BTT-'],
  ['urn:epcglobal:cbv:sdt:', 'https://ref.gs1.org/cbv/SDT-'],
  ['urn:epcglobal:cbv:er:', 'https://ref.gs1.org/cbv/ER-'],
];

// Python's float() syntax (the reference canonicalises any value it accepts), ASCII only.
const DIGITS = String.raw`\d+(?:_\d+)*`;
const NUMERIC = new RegExp(String.raw`^[+-]?(?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:[eE][+-]?${DIGITS})?$`);

/**
 * Numbers as the reference writes them (Python's float repr): integral values without a
 * fraction, whatever their size; others in the shortest form that reads back exactly, in
 * exponent form below 1e-4 ("1e-05").
 */
export const formatNumber = (n: number): string => {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return BigInt(n).toString();
  const [mantissa = '', exponentText = '0'] = n.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent >= -4) return String(n);
  return `${mantissa}e-${String(-exponent).padStart(2, '0')}`;
};

const canonicalNumber = (text: string): string | undefined => {
  if (!NUMERIC.test(text)) return undefined;
  const n = Number(text.replaceAll('_', ''));
  return Number.isFinite(n) ? formatNumber(n) : undefined;
};

/** Rules 14, 6 and 17: CBV URN → Web URI, numbers, GS1 keys → canonical Digital Link. */
export const canonicalText = (text: string): string => {
  let value = text;
  for (const [urn, web] of CBV_URN_TO_WEB) {
    if (value.startsWith(urn)) value = web + value.slice(urn.length);
  }
  return canonicalNumber(value) ?? normaliseGs1Identifier(value) ?? value;
};

/** A JSON scalar as text: JSON-LD drops nulls; booleans as XML writes them, so both syntaxes agree. */
export const scalarText = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return undefined;
};

/** Any value: trimmed, CURIE expanded, canonicalised. */
export const canonicalValue = (value: unknown, prefixes: Prefixes): string | undefined => {
  const text = scalarText(value);
  if (text === undefined || text === '') return text;
  return canonicalText(expandCurie(text, prefixes) ?? text);
};

/**
 * A value of a field whose values are a vocabulary (bizStep, disposition, types...): a bare
 * name is the standard term (JSON-LD writes CBV terms bare, rule 16); a CURIE or URI is
 * taken as written. EPCIS's JSON Schema allows only the standard's names or URIs there, so
 * "has no colon" is exactly "is a standard term".
 */
export const vocabularyValue = (value: unknown, vocabulary: string, prefixes: Prefixes): string | undefined => {
  const text = scalarText(value);
  if (text === undefined || text === '') return text;
  return text.includes(':') ? canonicalValue(text, prefixes) : vocabulary + text;
};

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Rules 8 and 9: UTC, "Z", exactly milliseconds; a 4th decimal of 5-9 rounds the 3rd up
 * (the reference rounds ties half-to-even, .1245 → .124; the standard says .125). Text that
 * is not an xsd:dateTimeStamp (no zone) is left as written.
 */
export const canonicalTimestamp = (value: unknown): string | undefined => {
  const text = scalarText(value);
  if (text === undefined || text === '') return text;
  const m = TIMESTAMP.exec(text);
  if (m === null) return text;
  const [, year, month, day, hour, minute, second, fraction = '', zone = 'Z'] = m;
  let ms = Number(fraction.padEnd(3, '0').slice(0, 3));
  if (Number(fraction[3] ?? '0') >= 5) ms += 1;
  let offsetMinutes = 0;
  if (zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '');
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  }
  const utc =
    Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), ms) -
    offsetMinutes * 60_000;
  return Number.isNaN(utc) ? text : new Date(utc).toISOString();
};
