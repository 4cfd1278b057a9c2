import { lazy } from 'react';
import { roleIs, type ScreenDefinition } from './screen-definition';

const area = 'distributor';
const allows = roleIs('distributor');

/** The distributor screens (a warehouse clerk, on a phone or a desk), each loaded on demand (React.lazy). */
export const DISTRIBUTOR_SCREENS: readonly ScreenDefinition[] = [
  {
    path: '/distributor/inventory',
    labelKey: 'distributor.nav.inventory',
    area,
    allows,
    Screen: lazy(() => import('./distributor/inventory-screen').then((m) => ({ default: m.InventoryScreen }))),
  },
  {
    path: '/distributor/receive',
    labelKey: 'distributor.nav.receive',
    area,
    allows,
    Screen: lazy(() => import('./distributor/receive-screen').then((m) => ({ default: m.ReceiveScreen }))),
  },
  {
    path: '/distributor/pack',
    labelKey: 'distributor.nav.pack',
    area,
    allows,
    Screen: lazy(() => import('./distributor/pack-screen').then((m) => ({ default: m.PackScreen }))),
  },
  {
    path: '/distributor/ship',
    labelKey: 'distributor.nav.ship',
    area,
    allows,
    Screen: lazy(() => import('./distributor/ship-screen').then((m) => ({ default: m.ShipScreen }))),
  },
  {
    path: '/distributor/history',
    labelKey: 'distributor.nav.history',
    area,
    allows,
    Screen: lazy(() => import('./distributor/history-screen').then((m) => ({ default: m.HistoryScreen }))),
  },
];
