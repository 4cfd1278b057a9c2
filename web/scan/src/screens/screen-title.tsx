import { type ReactNode, useEffect, useRef } from 'react';

/** Each screen's one h1; it takes the focus when the screen opens, so a screen reader hears where it is. */
export const ScreenTitle = ({ children }: { children: ReactNode }) => {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus({ preventScroll: true }), []);
  return (
    <h1 ref={heading} tabIndex={-1}>
      {children}
    </h1>
  );
};
