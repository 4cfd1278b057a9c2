import { lazy } from 'react';
import { roleIs, type ScreenDefinition } from './screen-definition';

/** The factory screens: filled by the screens of that area, each loaded on demand (React.lazy). */
export const FACTORY_SCREENS: readonly ScreenDefinition[] = [
  {
    path: '/lots',
    labelKey: 'factory.lots.menu',
    area: 'factory',
    allows: roleIs('factory'),
    Screen: lazy(() => import('./factory/lots-screen').then((m) => ({ default: m.LotsScreen }))),
  },
];
