import type { ServerVerdict, VerdictStatus } from '../api';
import type { SignatureCheck } from './signature-check';

/**
 * What one scan tells the person, from what the phone checked (the signature) and what the
 * server said. Only the server knows recalls, ends of service life, voids and blocks: without
 * its live answer a genuine signature is said to be just that, with the status not checked,
 * and a stored answer is shown as what it is, an old one.
 */
export type Tone = 'ok' | 'bad' | 'unknown' | 'offline';

export interface Verdict {
  tone: Tone;
  headline: string;
  detail?: string;
  /** A stored server answer shown beside an offline verdict. */
  lastKnown?: ServerVerdict;
}

const TONES: Record<VerdictStatus, Tone> = {
  genuine: 'ok',
  invalid: 'bad',
  unknown: 'unknown',
  voided: 'bad',
  destroyed: 'bad',
  recalled: 'bad',
  expired: 'bad',
  blocked: 'bad',
};

export const verdictOf = (signature: SignatureCheck, server: ServerVerdict | undefined): Verdict => {
  if (signature === 'unreadable') return { tone: 'unknown', headline: 'verdict.unreadable', detail: 'verdict.unreadableDetail' };
  const live = server?.storedAt === undefined ? server : undefined;
  if (live !== undefined) return { tone: TONES[live.status], headline: `status.${live.status}` };
  const lastKnown = server === undefined ? {} : { lastKnown: server };
  if (signature === 'forged') return { tone: 'bad', headline: 'verdict.forged', detail: 'verdict.forgedDetail' };
  if (signature === 'genuine') {
    return { tone: 'offline', headline: 'verdict.genuineOffline', detail: 'verdict.genuineOfflineDetail', ...lastKnown };
  }
  return { tone: 'unknown', headline: 'verdict.keyUnknownOffline', detail: 'verdict.keyUnknownOfflineDetail', ...lastKnown };
};

export const SIGNATURE_LINES: Record<Exclude<SignatureCheck, 'unreadable'>, string> = {
  genuine: 'verdict.signatureGenuine',
  forged: 'verdict.signatureForged',
  unknownKey: 'verdict.signatureUnknownKey',
};
