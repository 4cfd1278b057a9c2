import { useTranslation } from 'react-i18next';
import { type Tone, ToneTag } from './tone-tag';

export const DRAW_KINDS = ['organizations', 'lots', 'units'] as const;
export type DrawKind = (typeof DRAW_KINDS)[number];
export type DrawStatus = 'committed' | 'fixed' | 'drawn' | 'abandoned';

const TONES: Record<DrawStatus, Tone> = { committed: 'info', fixed: 'caution', drawn: 'ok', abandoned: 'quiet' };

/** A draw's status in words (the colour only repeats them). */
export const DrawStatusTag = ({ status }: { status: DrawStatus }) => {
  const { t } = useTranslation();
  return <ToneTag tone={TONES[status]}>{t(`regulator.spotChecks.status.${status}`)}</ToneTag>;
};
