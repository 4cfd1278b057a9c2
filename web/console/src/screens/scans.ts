import { lazy } from 'react';
import { roleIs, type ScreenDefinition } from './screen-definition';

/** The scan screens of a factory: counts by day and place, and the alerts on its units, each loaded on demand. */
export const SCANS_SCREENS: readonly ScreenDefinition[] = [
  {
    path: '/scans',
    labelKey: 'scans.summary.menu',
    area: 'scans',
    allows: roleIs('factory'),
    Screen: lazy(() => import('./scans/scan-summary-screen').then((m) => ({ default: m.ScanSummaryScreen }))),
  },
  {
    path: '/alerts',
    labelKey: 'scans.alerts.menu',
    area: 'scans',
    allows: roleIs('factory'),
    Screen: lazy(() => import('./scans/alerts-screen').then((m) => ({ default: m.AlertsScreen }))),
  },
];
