import { lazy } from 'react';
import type { ScreenDefinition } from './screen-definition';

/** The unit screens: each loaded on demand (React.lazy). */
export const UNIT_SCREENS: readonly ScreenDefinition[] = [
  {
    path: '/units',
    labelKey: 'unit.menu',
    area: 'unit',
    // Every role: each part of the story is asked of the API, which decides what the viewer sees.
    allows: () => true,
    Screen: lazy(() => import('./unit/unit-story-screen').then((m) => ({ default: m.UnitStoryScreen }))),
  },
];
