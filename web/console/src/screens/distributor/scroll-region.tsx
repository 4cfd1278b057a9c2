import type { ReactNode } from 'react';

/**
 * A table wider than a phone scrolls sideways inside this region, which the keyboard can
 * reach (a focusable, named region), so nothing beyond the edge is out of reach.
 */
export const ScrollRegion = ({ label, children }: { label: string; children: ReactNode }) => (
  // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus for keyboard users to scroll it (WCAG 2.1.1)
  <section tabIndex={0} aria-label={label} style={{ overflowX: 'auto' }}>
    {children}
  </section>
);
