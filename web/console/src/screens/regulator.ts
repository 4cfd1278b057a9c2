import { lazy } from 'react';
import { roleIs, type ScreenDefinition } from './screen-definition';

/** The regulator screens: filled by the screens of that area, each loaded on demand (React.lazy). */
export const REGULATOR_SCREENS: readonly ScreenDefinition[] = [
  {
    path: '/regulator/events',
    labelKey: 'regulator.events.menu',
    area: 'regulator',
    // A factory and a distributor query their own events: the API decides what each sees.
    allows: roleIs('regulator', 'factory', 'distributor'),
    Screen: lazy(() => import('./regulator/events-screen').then((m) => ({ default: m.EventsScreen }))),
  },
  {
    path: '/regulator/exports',
    labelKey: 'regulator.exports.menu',
    area: 'regulator',
    allows: roleIs('regulator', 'factory', 'distributor'),
    Screen: lazy(() => import('./regulator/exports-screen').then((m) => ({ default: m.ExportsScreen }))),
  },
  {
    path: '/regulator/checkpoints',
    labelKey: 'regulator.checkpoints.menu',
    area: 'regulator',
    // The heads are public; only a regulator (or an admin) may append and sign one.
    allows: roleIs('regulator', 'admin', 'factory', 'distributor'),
    Screen: lazy(() => import('./regulator/checkpoints-screen').then((m) => ({ default: m.CheckpointsScreen }))),
  },
];
