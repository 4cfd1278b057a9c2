import { createHash } from 'node:crypto';
import type { SubjectRef } from './types';

/** EPCs as EPCIS writes them: GS1 Digital Link on the canonical resolver host. */
export const epcOf = (ref: SubjectRef): string =>
  ref.kind === 'unit' ? `https://id.gs1.org/01/${ref.gtin}/21/${ref.serial}` : `https://id.gs1.org/00/${ref.sscc}`;

export const ORG_URI_PREFIX = 'urn:traceseal:org:';
export const orgUri = (orgId: string): string => `${ORG_URI_PREFIX}${orgId}`;

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
