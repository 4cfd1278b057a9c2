import { useTranslation } from 'react-i18next';
import { type Tone, ToneTag } from './tone-tag';

export const INBOX_KINDS = ['report', 'alert', 'test_report', 'audit_log'] as const;
export const INBOX_STATUSES = ['new', 'investigating', 'closed'] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

const STATUS_TONES: Record<InboxStatus, Tone> = { new: 'alarm', investigating: 'caution', closed: 'quiet' };

/** A status in words (its colour only repeats them, so nothing is said by colour alone). */
export const InboxStatusTag = ({ status }: { status: InboxStatus }) => {
  const { t } = useTranslation();
  return <ToneTag tone={STATUS_TONES[status]}>{t(`regulator.inbox.status.${status}`)}</ToneTag>;
};

/** The moves the API allows from each status (new → investigating → closed; closed → investigating reopens). */
export const NEXT_STATUSES: Record<InboxStatus, readonly InboxStatus[]> = {
  new: ['investigating'],
  investigating: ['closed'],
  closed: ['investigating'],
};

/** Closing and reopening say why: the API refuses them without a note. */
export const needsNote = (from: InboxStatus, to: InboxStatus): boolean => to === 'closed' || from === 'closed';
