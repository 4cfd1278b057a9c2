import { lazy } from 'react';
import { roleIs, type ScreenDefinition } from './screen-definition';

const InboxScreen = lazy(() => import('./regulator/inbox-screen').then((m) => ({ default: m.InboxScreen })));
const RecallsScreen = lazy(() => import('./regulator/recalls-screen').then((m) => ({ default: m.RecallsScreen })));
const SpotChecksScreen = lazy(() => import('./regulator/spot-checks-screen').then((m) => ({ default: m.SpotChecksScreen })));
const ScanMapScreen = lazy(() => import('./regulator/scan-map-screen').then((m) => ({ default: m.ScanMapScreen })));

/** The regulator screens, each loaded on demand (React.lazy). */
export const REGULATOR_SCREENS: readonly ScreenDefinition[] = [
  {
    path: '/regulator/inbox',
    area: 'regulator',
    labelKey: 'regulator.inbox.title',
    allows: roleIs('regulator'),
    Screen: InboxScreen,
  },
  {
    path: '/regulator/recalls',
    area: 'regulator',
    labelKey: 'regulator.recalls.title',
    allows: roleIs('regulator'),
    Screen: RecallsScreen,
  },
  {
    path: '/regulator/spot-checks',
    area: 'regulator',
    labelKey: 'regulator.spotChecks.title',
    allows: roleIs('regulator'),
    Screen: SpotChecksScreen,
  },
  {
    path: '/regulator/scans',
    area: 'regulator',
    labelKey: 'regulator.scans.title',
    allows: roleIs('regulator'),
    Screen: ScanMapScreen,
  },
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
