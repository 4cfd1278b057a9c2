import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { codeLabel, readUnitCode } from './unit-code';

/** Where a unit's or container's story is: the unit screen, given the code as it was read. */
export const unitStoryPath = (code: string): string => `/units?code=${encodeURIComponent(code)}`;

/**
 * A code anywhere in the console (inventory, alerts, reports, EPCIS results) as a link to its
 * story on the unit screen. The code goes as it is (a label's URI with its signature, an EPC
 * or a URN); the link shows its GS1 keys, or `children` when given. Text that names no code is
 * shown as it is, without a link.
 */
export const UnitLink = ({ code, children }: { code: string; children?: ReactNode }) => {
  const read = readUnitCode(code);
  if (read === undefined) return <span>{children ?? code}</span>;
  // Underlined: a code inside a sentence must read as a link without relying on its colour.
  return (
    <Link to={unitStoryPath(code)} style={{ textDecoration: 'underline' }}>
      {children ?? codeLabel(read)}
    </Link>
  );
};
