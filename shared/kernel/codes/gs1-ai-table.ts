import { gs1CheckDigit } from './gtin';

/**
 * The GS1 Application Identifiers a TraceSeal label or a scanner next to PPE can carry, as
 * the GS1 General Specifications and the GS1 Barcode Syntax Dictionary define them. GS1
 * defines several hundred AIs; a numeric query parameter outside this table is refused the
 * way GS1's Syntax Engine refuses an AI it does not know.
 */
export type AiCharset = 'numeric' | 'cset82' | 'cset64';
export type AiCheck = 'checkDigit' | 'date';

export interface AiDefinition {
  ai: string;
  title: string;
  charset: AiCharset;
  minLength: number;
  maxLength: number;
  checks: readonly AiCheck[];
  /** Flag "?" of the Syntax Dictionary: allowed as a Digital Link query attribute. */
  dataAttribute: boolean;
  /** A primary key: its allowed qualifier chains (each an ordered list; any in-order subset is valid). */
  qualifierChains?: readonly (readonly string[])[];
  /** "req=": at least one alternative whose AIs are all present. */
  requires?: readonly (readonly string[])[];
  /** "ex=": AIs that must not appear together with this one. */
  excludes?: readonly string[];
}

const dateAi = (ai: string, title: string, extraRequisites: readonly string[] = []): AiDefinition => ({
  ai,
  title,
  charset: 'numeric',
  minLength: 6,
  maxLength: 6,
  checks: ['date'],
  dataAttribute: true,
  requires: [['01'], ['02'], ['03'], ...extraRequisites.map((r) => [r]), ['8006'], ['8026']],
});

const DEFINITIONS: readonly AiDefinition[] = [
  {
    ai: '00',
    title: 'SSCC',
    charset: 'numeric',
    minLength: 18,
    maxLength: 18,
    checks: ['checkDigit'],
    dataAttribute: true,
    qualifierChains: [[]],
  },
  {
    ai: '01',
    title: 'GTIN',
    charset: 'numeric',
    minLength: 14,
    maxLength: 14,
    checks: ['checkDigit'],
    dataAttribute: true,
    qualifierChains: [['22', '10', '21'], ['235']],
    excludes: ['255', '37'],
  },
  {
    ai: '10',
    title: 'BATCH/LOT',
    charset: 'cset82',
    minLength: 1,
    maxLength: 20,
    checks: [],
    dataAttribute: true,
    requires: [['01'], ['02'], ['03'], ['8006'], ['8026']],
  },
  dateAi('11', 'PROD DATE'),
  dateAi('13', 'PACK DATE'),
  dateAi('15', 'BEST BEFORE'),
  dateAi('16', 'SELL BY'),
  dateAi('17', 'USE BY', ['255']),
  {
    ai: '21',
    title: 'SERIAL',
    charset: 'cset82',
    minLength: 1,
    maxLength: 20,
    checks: [],
    dataAttribute: false,
    requires: [['01'], ['03'], ['8006']],
    excludes: ['235'],
  },
  {
    ai: '22',
    title: 'CPV',
    charset: 'cset82',
    minLength: 1,
    maxLength: 20,
    checks: [],
    dataAttribute: false,
    requires: [['01']],
  },
  {
    ai: '235',
    title: 'TPX',
    charset: 'cset82',
    minLength: 1,
    maxLength: 28,
    checks: [],
    dataAttribute: false,
    requires: [['01']],
  },
  {
    ai: '8030',
    title: 'DIGSIG',
    charset: 'cset64',
    minLength: 1,
    maxLength: 90,
    checks: [],
    dataAttribute: true,
    requires: [['00'], ['01', '21'], ['253'], ['255'], ['8003'], ['8004'], ['8006', '21'], ['8010', '8011'], ['8017'], ['8018']],
  },
];

const BY_AI = new Map(DEFINITIONS.map((definition) => [definition.ai, definition]));

export const aiDefinition = (ai: string): AiDefinition | undefined => BY_AI.get(ai);

/** GS1 AI encodable character set 82 (Figure 7.11-1 of the General Specifications). */
const CSET82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*$/;
/** File-safe / URI-safe base64 (character set 64), with at most two `=` pads on a multiple of 3. */
const CSET64 = /^[A-Za-z0-9_-]*$/;

const isCset64 = (value: string): boolean => {
  const body = value.replace(/=+$/, '');
  const pads = value.length - body.length;
  if (pads > 2 || (pads > 0 && value.length % 3 !== 0)) return false;
  return CSET64.test(body);
};

const CHARSETS: Record<AiCharset, (value: string) => boolean> = {
  numeric: (value) => /^\d*$/.test(value),
  cset82: (value) => CSET82.test(value),
  cset64: isCset64,
};

export const isCset82 = (value: string): boolean => CSET82.test(value);

/** YYMMDD where DD may be 00; the century follows GS1's sliding window around the current year. */
const isGs1Date = (value: string, now = new Date()): boolean => {
  const yy = Number(value.slice(0, 2));
  const month = Number(value.slice(2, 4));
  const day = Number(value.slice(4, 6));
  const currentYy = now.getUTCFullYear() % 100;
  const century = yy - currentYy >= 51 ? 1900 : yy - currentYy > -50 ? 2000 : 2100;
  const year = century + yy;
  if (month < 1 || month > 12) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
};

/** Why a value is not a valid value of its AI, or undefined when it is. */
export const aiValueProblem = (definition: AiDefinition, value: string): string | undefined => {
  if (value.length < definition.minLength) return `AI (${definition.ai}) value is too short`;
  if (value.length > definition.maxLength) return `AI (${definition.ai}) value is too long`;
  if (!CHARSETS[definition.charset](value)) return `AI (${definition.ai}) contains a character outside its character set`;
  for (const check of definition.checks) {
    if (check === 'checkDigit' && gs1CheckDigit(value.slice(0, -1)) !== Number(value.slice(-1))) {
      return `AI (${definition.ai}) has an incorrect check digit`;
    }
    if (check === 'date' && !isGs1Date(value)) return `AI (${definition.ai}) is not a valid date`;
  }
  return undefined;
};
