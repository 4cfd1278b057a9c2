import { gs1CheckDigit } from './gtin';

/**
 * GS1 keys as the CBV 2.0 event hash writes them (rules 17 and 18): EPC URIs, EPC class
 * and EPC pattern URIs become canonical GS1 Digital Link URIs, and Digital Link URIs
 * become "constrained canonical" ones: on id.gs1.org, numeric AIs, no query string, only
 * the finest level of identification (a serial drops the lot), 14-digit GTINs. Anything
 * else, including a key whose values break the Digital Link syntax, is not a GS1 key here
 * and the caller keeps it as written, exactly as the reference implementation does.
 */

const CANONICAL_HOST = 'https://id.gs1.org';

// One character of an EPC URI component: GS1 AI encodable character set 82, raw or %-escaped.
const CS82_ESCAPE = /^%(2[125-9A-F]|3[0-9A-F]|4[1-9A-F]|5[0-9AF]|6[1-9A-F]|7[0-9A])/i;
const CS82_RAW = /^[!'()*+,.0-9:;=A-Za-z_-]/;

/** Length in characters of an EPC URI component (an escape is one), or -1 if it is not one. */
const urnComponentLength = (text: string): number => {
  let count = 0;
  for (let rest = text; rest !== ''; count++) {
    const escaped = CS82_ESCAPE.exec(rest);
    if (escaped !== null) rest = rest.slice(escaped[0].length);
    else if (CS82_RAW.test(rest)) rest = rest.slice(1);
    else return -1;
  }
  return count;
};

const component = (text: string, min: number, max: number): boolean => {
  const length = urnComponentLength(text);
  return length >= min && length <= max;
};

// Characters that are legal in an EPC URI but must be escaped in a Digital Link path.
const encodeForWebUri = (text: string): string =>
  text.replace(/[!()*+,:]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const withCheck = (digits: string): string => `${digits}${gs1CheckDigit(digits)}`;

/** Company prefix (6-12 digits) and the reference after it, together `total` digits. */
const prefixed = (cp: string, ref: string, total: number): boolean =>
  /^\d{6,12}$/.test(cp) && /^\d*$/.test(ref) && cp.length + ref.length === total;

/** GTIN from an SGTIN-style split: indicator digit first, then company prefix, item reference. */
const gtin = (cp: string, itemRef: string): string => withCheck(itemRef.slice(0, 1) + cp + itemRef.slice(1));

/** The first `fixed` dot-separated fields, then the rest (which may hold dots), '' where absent. */
const fields = (body: string, fixed: number): string[] => {
  const parts = body.split('.');
  const head = Array.from({ length: fixed }, (_, i) => parts[i] ?? '');
  return parts.length > fixed ? [...head, parts.slice(fixed).join('.')] : head;
};

type Converter = (body: string) => string | undefined;

const EPC_ID: Record<string, Converter> = {
  sgtin: (body) => {
    const [cp = '', ir = '', serial = ''] = fields(body, 2);
    return prefixed(cp, ir, 13) && component(serial, 1, 20) ? `/01/${gtin(cp, ir)}/21/${encodeForWebUri(serial)}` : undefined;
  },
  sscc: (body) => {
    const [cp = '', sr = ''] = fields(body, 1);
    return prefixed(cp, sr, 17) ? `/00/${withCheck(sr.slice(0, 1) + cp + sr.slice(1))}` : undefined;
  },
  sgln: (body) => {
    const [cp = '', lr = '', ext = ''] = fields(body, 2);
    if (!prefixed(cp, lr, 12) || !component(ext, 1, 20)) return undefined;
    return ext === '0' ? `/414/${withCheck(cp + lr)}` : `/414/${withCheck(cp + lr)}/254/${encodeForWebUri(ext)}`;
  },
  grai: (body) => {
    const [cp = '', at = '', serial = ''] = fields(body, 2);
    return prefixed(cp, at, 12) && component(serial, 1, 16)
      ? `/8003/${withCheck(`0${cp}${at}`)}${encodeForWebUri(serial)}`
      : undefined;
  },
  giai: (body) => {
    const [cp = '', ar = ''] = fields(body, 1);
    return /^\d{6,12}$/.test(cp) && component(ar, 1, 30 - cp.length) ? `/8004/${cp}${encodeForWebUri(ar)}` : undefined;
  },
  gsrn: (body) => {
    const [cp = '', sr = ''] = fields(body, 1);
    return prefixed(cp, sr, 17) ? `/8018/${withCheck(cp + sr)}` : undefined;
  },
  gsrnp: (body) => {
    const [cp = '', sr = ''] = fields(body, 1);
    return prefixed(cp, sr, 17) ? `/8017/${withCheck(cp + sr)}` : undefined;
  },
  gdti: (body) => {
    const [cp = '', dt = '', serial = ''] = fields(body, 2);
    return prefixed(cp, dt, 12) && component(serial, 0, 17) ? `/253/${withCheck(cp + dt)}${encodeForWebUri(serial)}` : undefined;
  },
  sgcn: (body) => {
    const [cp = '', cr = '', serial = ''] = fields(body, 2);
    return prefixed(cp, cr, 12) && /^\d{1,12}$/.test(serial) ? `/255/${withCheck(cp + cr)}${serial}` : undefined;
  },
  ginc: (body) => {
    const [cp = '', ref = ''] = fields(body, 1);
    return /^\d{6,12}$/.test(cp) && component(ref, 1, 30 - cp.length) ? `/401/${cp}${encodeForWebUri(ref)}` : undefined;
  },
  gsin: (body) => {
    const [cp = '', sr = ''] = fields(body, 1);
    return prefixed(cp, sr, 16) ? `/402/${withCheck(cp + sr)}` : undefined;
  },
  pgln: (body) => {
    const [cp = '', pr = ''] = fields(body, 1);
    return prefixed(cp, pr, 12) ? `/417/${withCheck(cp + pr)}` : undefined;
  },
  // CPI: the part reference holds no dots; the serial follows the last one.
  cpi: (body) => {
    const m = CPI.exec(body);
    const [, cp = '', ref = '', serial = ''] = m ?? [];
    return m !== null && cpiRef(cp, ref) && serial !== '*' ? `/8010/${encodeForWebUri(cp + ref)}/8011/${serial}` : undefined;
  },
  itip: (body) => {
    const [cp = '', ir = '', piece = '', total = '', serial = ''] = fields(body, 4);
    return prefixed(cp, ir, 13) && /^\d{2}$/.test(piece) && /^\d{2}$/.test(total) && component(serial, 1, 20)
      ? `/8006/${gtin(cp, ir)}${piece}${total}/21/${encodeForWebUri(serial)}`
      : undefined;
  },
  upui: (body) => {
    const [cp = '', ir = '', tpx = ''] = fields(body, 2);
    return prefixed(cp, ir, 13) && component(tpx, 1, 28) ? `/01/${gtin(cp, ir)}/235/${encodeForWebUri(tpx)}` : undefined;
  },
};

const CPI = /^(\d{6,12})\.((?:%2[3DF]|%3\d|%4[1-9A-F]|%5[0-9A]|[0-9A-Z-])+)\.(\d{1,12}|\*)$/i;
const cpiRef = (cp: string, ref: string): boolean => urnComponentLength(ref) <= 30 - cp.length;

const EPC_CLASS: Record<string, Converter> = {
  lgtin: (body) => {
    const [cp = '', ir = '', lot = ''] = fields(body, 2);
    return prefixed(cp, ir, 13) && component(lot, 1, 20) ? `/01/${gtin(cp, ir)}/10/${encodeForWebUri(lot)}` : undefined;
  },
};

/** "cp.ref.*" (or with `more` fields before the star), its fields; undefined if not a pattern. */
const pattern = (body: string, more = 0): string[] | undefined => {
  const parts = body.split('.');
  return parts.length === 3 + more && parts.at(-1) === '*' ? parts.slice(0, -1) : undefined;
};

// Patterns name a class: "urn:epc:idpat:sgtin:cp.ir.*" is every serial of one GTIN.
const EPC_PATTERN: Record<string, Converter> = {
  sgtin: (body) => {
    const [cp = '', ir = ''] = pattern(body) ?? [];
    return prefixed(cp, ir, 13) ? `/01/${gtin(cp, ir)}` : undefined;
  },
  upui: (body) => {
    const [cp = '', ir = ''] = pattern(body) ?? [];
    return prefixed(cp, ir, 13) ? `/01/${gtin(cp, ir)}` : undefined;
  },
  grai: (body) => {
    const [cp = '', at = ''] = pattern(body) ?? [];
    return prefixed(cp, at, 12) ? `/8003/${withCheck(`0${cp}${at}`)}` : undefined;
  },
  gdti: (body) => {
    const [cp = '', dt = ''] = pattern(body) ?? [];
    return prefixed(cp, dt, 12) ? `/253/${withCheck(cp + dt)}` : undefined;
  },
  sgcn: (body) => {
    const [cp = '', cr = ''] = pattern(body) ?? [];
    return prefixed(cp, cr, 12) ? `/255/${withCheck(cp + cr)}` : undefined;
  },
  cpi: (body) => {
    const [, cp = '', ref = '', star] = CPI.exec(body) ?? [];
    return star === '*' && cpiRef(cp, ref) ? `/8010/${encodeForWebUri(cp + ref)}` : undefined;
  },
  itip: (body) => {
    const [cp = '', ir = '', piece = '', total = ''] = pattern(body, 2) ?? [];
    return prefixed(cp, ir, 13) && /^\d{2}$/.test(piece) && /^\d{2}$/.test(total)
      ? `/8006/${gtin(cp, ir)}${piece}${total}`
      : undefined;
  },
};

const EPC_TABLES: Record<string, Record<string, Converter>> = { id: EPC_ID, class: EPC_CLASS, idpat: EPC_PATTERN };

const fromEpcUri = (uri: string): string | undefined => {
  const [, kind = '', scheme = '', body = ''] = /^urn:epc:(id|class|idpat):([a-z]+):(.+)$/.exec(uri) ?? [];
  const table = EPC_TABLES[kind];
  const convert = table !== undefined && Object.hasOwn(table, scheme) ? table[scheme] : undefined;
  const path = convert?.(body);
  return path === undefined ? undefined : CANONICAL_HOST + path;
};

const SHORT_NAMES: Record<string, string> = {
  gtin: '01',
  itip: '8006',
  cpid: '8010',
  gln: '414',
  party: '417',
  gsrnp: '8017',
  gsrn: '8018',
  gcn: '255',
  sscc: '00',
  gdti: '253',
  ginc: '401',
  gsin: '402',
  grai: '8003',
  giai: '8004',
  cpv: '22',
  lot: '10',
  ser: '21',
};

// Digital Link values the reference accepts unescaped; anything else leaves the URI as written.
const X = String.raw`["'\-.0-9;-?A-Z_a-z]`;
const x = (max: number): RegExp => new RegExp(`^${X}{0,${max}}$`);

/** The constrained canonical forms: primary key, its value, and the qualifier allowed after it. */
const CANONICAL_FORMS: Record<string, { key: RegExp; qualifiers: Record<string, RegExp> }> = {
  '00': { key: /^\d{18}$/, qualifiers: {} },
  '01': { key: /^\d{14}$/, qualifiers: { '21': x(20), '10': x(20), '235': x(28) } },
  '253': { key: new RegExp(`^\\d{13}${X}{0,17}$`), qualifiers: {} },
  '255': { key: /^\d{13,25}$/, qualifiers: {} },
  '401': { key: x(30), qualifiers: {} },
  '402': { key: /^\d{17}$/, qualifiers: {} },
  '414': { key: /^\d{13}$/, qualifiers: { '254': x(20) } },
  '417': { key: /^\d{13}$/, qualifiers: {} },
  '8003': { key: new RegExp(`^\\d{14}${X}{0,16}$`), qualifiers: {} },
  '8004': { key: x(30), qualifiers: {} },
  '8006': { key: /^\d{18}$/, qualifiers: { '21': x(20), '10': x(20) } },
  '8010': { key: /^[#\-/0-9A-Z]{0,30}$/, qualifiers: { '8011': /^\d{0,12}$/ } },
  '8017': { key: /^\d{18}$/, qualifiers: {} },
  '8018': { key: /^\d{18}$/, qualifiers: {} },
};

const fromDigitalLink = (uri: string): string | undefined => {
  const [, path] = /^https?:\/\/[^/?#]*(\/[^?#]*)(?:\?[^#]*)?(?:#.*)?$/.exec(uri) ?? [];
  if (path === undefined) return undefined;
  const segments = path.split('/').slice(1);
  if (segments.at(-1) === '') segments.pop();
  // Key and qualifiers come in AI/value pairs, possibly after a custom path prefix.
  const pairs: Array<[string, string]> = [];
  const start = segments.findIndex(
    (s, i) => Object.hasOwn(CANONICAL_FORMS, SHORT_NAMES[s] ?? s) && (segments.length - i) % 2 === 0,
  );
  for (let i = Math.max(start, 0); start >= 0 && i < segments.length; i += 2) {
    const ai = segments[i] ?? '';
    pairs.push([SHORT_NAMES[ai] ?? ai, segments[i + 1] ?? '']);
  }
  const [key, ...qualifiers] = pairs;
  const form = key === undefined ? undefined : CANONICAL_FORMS[key[0]];
  if (key === undefined || form === undefined || !/^\d{4}/.test(key[1])) return undefined;
  const [keyAi, value] = key;
  const keyValue = keyAi === '01' && /^(\d{8}|\d{12,13})$/.test(value) ? value.padStart(14, '0') : value;
  // A consumer product variant is not an identity; a serial is finer than its lot.
  if (qualifiers[0]?.[0] === '22') qualifiers.shift();
  if (qualifiers[0]?.[0] === '10' && qualifiers[1]?.[0] === '21') qualifiers.shift();
  if (!form.key.test(keyValue) || qualifiers.length > 1) return undefined;
  const [qualifier] = qualifiers;
  if (qualifier !== undefined && !(form.qualifiers[qualifier[0]]?.test(qualifier[1]) ?? false)) return undefined;
  return `${CANONICAL_HOST}/${keyAi}/${keyValue}${qualifier === undefined ? '' : `/${qualifier[0]}/${qualifier[1]}`}`;
};

/** The constrained canonical Digital Link of a GS1 key URI, or undefined when it is not one. */
export const normaliseGs1Identifier = (value: string): string | undefined =>
  value.startsWith('urn:epc:') ? fromEpcUri(value) : fromDigitalLink(value);
