import type { ComponentType } from 'react';
import type { Person } from '../auth/session';
import { HomeScreen } from './home/home-screen';

/**
 * Every screen of the console: its path under /console/, the catalogue key of its menu
 * label, and who may open it. The menu and the routes are both made from this list, so a
 * screen someone may not use is neither shown nor reachable (the API refuses it anyway).
 */
export interface ScreenDefinition {
  readonly path: string;
  readonly labelKey: string;
  readonly allows: (person: Person) => boolean;
  readonly Screen: ComponentType;
  /** Reached from another screen (a unit, a lot), not listed in the menu. */
  readonly hidden?: boolean;
}

const everyone = () => true;

export const SCREENS: readonly ScreenDefinition[] = [{ path: '/', labelKey: 'nav.home', allows: everyone, Screen: HomeScreen }];

export const screensFor = (person: Person): readonly ScreenDefinition[] => SCREENS.filter((screen) => screen.allows(person));
