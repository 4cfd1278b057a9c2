import { Tag } from 'antd';
import type { ReactNode } from 'react';

/**
 * A status label whose colour only repeats its words. antd's preset tag colours fall below
 * WCAG AA contrast for small text, so these tones darken the text on the same light grounds.
 */
export type Tone = 'alarm' | 'caution' | 'ok' | 'info' | 'quiet';

const TONES: Record<Tone, { color: string; background: string; borderColor: string }> = {
  alarm: { color: '#a8071a', background: '#fff1f0', borderColor: '#ffa39e' },
  caution: { color: '#874d00', background: '#fffbe6', borderColor: '#ffe58f' },
  ok: { color: '#135200', background: '#f6ffed', borderColor: '#b7eb8f' },
  info: { color: '#003a8c', background: '#e6f4ff', borderColor: '#91caff' },
  quiet: { color: '#262626', background: '#fafafa', borderColor: '#d9d9d9' },
};

export const ToneTag = ({ tone, children }: { tone: Tone; children: ReactNode }) => <Tag style={TONES[tone]}>{children}</Tag>;
