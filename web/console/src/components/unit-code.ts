import { type CodeReference, readCodeReference } from '#kernel/codes/digital-link';

/**
 * A code as a person brings it to the console: a label's GS1 Digital Link URI (any host,
 * with or without AI 8030), an EPC as inventory and chains list it, its URN, or a bare GS1
 * element string as a handheld scanner types it — bracketed `(01)…(10)…(21)…` or raw with
 * group separators. Element strings become a Digital Link so one parser (the service's own,
 * readCodeReference) decides what is a code, in the browser as on the server.
 */
export type UnitCode = CodeReference;

// Fixed-length AIs of the element strings we read; the rest end at a separator or the end.
const FIXED_LENGTH: Readonly<Record<string, number>> = { '00': 18, '01': 14 };
const VARIABLE_AIS = ['8030', '10', '21'];
const GROUP_SEPARATOR = '\u001d';

const bracketedElements = (text: string): Map<string, string> | undefined => {
  if (!text.startsWith('(')) return undefined;
  const elements = new Map<string, string>();
  for (const match of text.matchAll(/\((\d{2,4})\)([^(]*)/g)) elements.set(match[1] ?? '', match[2] ?? '');
  return elements;
};

const rawElements = (text: string): Map<string, string> | undefined => {
  // A scanner may prefix the symbology identifier (]Q3 QR, ]d2 DataMatrix, ]C1 GS1-128).
  let rest = text.replace(/^\](Q3|d2|C1|e0)/, '');
  if (!/^\d{2}/.test(rest)) return undefined;
  const elements = new Map<string, string>();
  while (rest.length > 0) {
    if (rest.startsWith(GROUP_SEPARATOR)) {
      rest = rest.slice(1);
      continue;
    }
    const fixedAi = Object.keys(FIXED_LENGTH).find((ai) => rest.startsWith(ai));
    if (fixedAi !== undefined) {
      const length = FIXED_LENGTH[fixedAi] ?? 0;
      elements.set(fixedAi, rest.slice(2, 2 + length));
      rest = rest.slice(2 + length);
      continue;
    }
    const variableAi = VARIABLE_AIS.find((ai) => rest.startsWith(ai));
    if (variableAi === undefined) return undefined;
    const end = rest.indexOf(GROUP_SEPARATOR);
    elements.set(variableAi, rest.slice(variableAi.length, end === -1 ? undefined : end));
    rest = end === -1 ? '' : rest.slice(end + 1);
  }
  return elements;
};

/** The Digital Link an element string stands for, on GS1's own resolver host. */
const elementStringLink = (elements: Map<string, string>): string | undefined => {
  const digsig = elements.get('8030');
  const query = digsig === undefined ? '' : `?8030=${encodeURIComponent(digsig)}`;
  const sscc = elements.get('00');
  if (sscc !== undefined) return `https://id.gs1.org/00/${sscc}${query}`;
  const gtin = elements.get('01');
  const serial = elements.get('21');
  if (gtin === undefined || serial === undefined) return undefined;
  const lot = elements.get('10');
  const lotPath = lot === undefined ? '' : `/10/${encodeURIComponent(lot)}`;
  return `https://id.gs1.org/01/${gtin}${lotPath}/21/${encodeURIComponent(serial)}${query}`;
};

/** The code the text names, or undefined when it names none (the screen says so). */
export const readUnitCode = (text: string): UnitCode | undefined => {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const elements = bracketedElements(trimmed) ?? rawElements(trimmed);
  const uri = elements === undefined ? trimmed : elementStringLink(elements);
  if (uri === undefined) return undefined;
  try {
    return readCodeReference(uri);
  } catch {
    return undefined;
  }
};

/** How a code is shown to people: its GS1 keys, short, never the signature. */
export const codeLabel = (code: UnitCode): string =>
  code.kind === 'container'
    ? `SSCC ${code.sscc}`
    : `${code.gtin}${code.lot === undefined ? '' : ` · ${code.lot}`} · ${code.serial}`;
