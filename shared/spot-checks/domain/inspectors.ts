import { BadRequestError } from '#kernel/errors';

/**
 * Inspectors are people a regulator registers, each with an id the service assigns; draws
 * pick among ids. A name is stored as written once trimmed and NFC-normalized, and two
 * names that read the same (case, compatibility forms such as full-width letters) are the
 * same person to a regulator, so it may register only one of them.
 */
export const MAX_INSPECTOR_NAME = 100;

// Invisible or layout characters (zero-width space and joiners, BOM, bidi controls: Unicode
// category Cf), control characters (Cc), unassigned, private-use and lone surrogates: none
// belongs in a person's name, and each lets two names look the same.
const FORBIDDEN = /[\p{Cf}\p{Cc}\p{Cn}\p{Co}\p{Cs}]/u;

/** The name to store: trimmed, NFC, inner white space runs made one space; refused if unfit. */
export const normalizeInspectorName = (raw: string): string => {
  if (FORBIDDEN.test(raw)) {
    throw new BadRequestError(
      'INVALID_INSPECTOR_NAME',
      'An inspector name may not hold invisible, format or control characters (such as a zero-width space)',
    );
  }
  const name = raw.normalize('NFC').trim().replace(/\s+/gu, ' ');
  if (name.length === 0 || name.length > MAX_INSPECTOR_NAME) {
    throw new BadRequestError('INVALID_INSPECTOR_NAME', `An inspector name is 1 to ${MAX_INSPECTOR_NAME} characters`);
  }
  return name;
};

/** Two names with the same key are one inspector: compatibility-normalized and case-folded. */
export const inspectorNameKey = (name: string): string => name.normalize('NFKC').toLowerCase().normalize('NFKC');
