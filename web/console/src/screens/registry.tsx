import type { Person } from '../auth/session';
import { ADMIN_SCREENS } from './admin';
import { DISTRIBUTOR_SCREENS } from './distributor';
import { FACTORY_SCREENS } from './factory';
import { HomeScreen } from './home/home-screen';
import { LAB_SCREENS } from './lab';
import { MEMBERS_SCREENS } from './members';
import { NOTICES_SCREENS } from './notices';
import { REGULATOR_SCREENS } from './regulator';
import { SCANS_SCREENS } from './scans';
import type { ScreenDefinition } from './screen-definition';
import { UNIT_SCREENS } from './unit';

export type { ScreenDefinition } from './screen-definition';

/** Every screen of the console, home first; each area's list is kept with its screens. */
export const SCREENS: readonly ScreenDefinition[] = [
  { path: '/', labelKey: 'nav.home', allows: () => true, Screen: HomeScreen },
  ...FACTORY_SCREENS,
  ...SCANS_SCREENS,
  ...DISTRIBUTOR_SCREENS,
  ...REGULATOR_SCREENS,
  ...UNIT_SCREENS,
  ...LAB_SCREENS,
  ...ADMIN_SCREENS,
  ...NOTICES_SCREENS,
  ...MEMBERS_SCREENS,
];

export const screensFor = (person: Person): readonly ScreenDefinition[] => SCREENS.filter((screen) => screen.allows(person));
