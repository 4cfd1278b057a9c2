import type { ComponentType } from 'react';
import type { Person } from '../auth/session';

/**
 * A screen of the console: its path under /console/, the catalogue key of its menu label,
 * and who may open it. The menu and the routes are both made from the list in registry.tsx,
 * so a screen someone may not use is neither shown nor reachable (the API refuses it anyway).
 * Screens other than home are loaded on demand (`lazy(() => import(...))`), so the first
 * screen's JavaScript stays within its budget.
 */
export interface ScreenDefinition {
  readonly path: string;
  readonly labelKey: string;
  readonly allows: (person: Person) => boolean;
  readonly Screen: ComponentType;
  /** The catalogue namespace of its area (`factory`, `regulator`…): the menu groups by it under `<area>.area`. */
  readonly area?: string;
  /** Reached from another screen (a unit, a lot), not listed in the menu. */
  readonly hidden?: boolean;
}

export const roleIs =
  (...roles: Person['role'][]) =>
  (person: Person): boolean =>
    roles.includes(person.role);
