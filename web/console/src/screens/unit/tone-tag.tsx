import { Tag } from 'antd';
import type { ReactNode } from 'react';

/**
 * A verdict as a tag: white text on a dark tone (antd's light preset tags miss the WCAG AA
 * contrast), and always with its words, so the colour is never the only signal.
 */
const TONES = { good: '#237804', warn: '#ad4e00', bad: '#a8071a' } as const;

export const ToneTag = ({ tone, children }: { tone: keyof typeof TONES; children: ReactNode }) => (
  <Tag color={TONES[tone]}>{children}</Tag>
);
