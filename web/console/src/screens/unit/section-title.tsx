import { Typography } from 'antd';
import type { ReactNode } from 'react';

/** A part's heading on the unit screen: an h2 under the screen's h1, at a card title's size. */
export const SectionTitle = ({ children }: { children: ReactNode }) => (
  <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
    {children}
  </Typography.Title>
);
