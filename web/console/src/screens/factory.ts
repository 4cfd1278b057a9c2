import { lazy } from 'react';
import { roleIs, type ScreenDefinition } from './screen-definition';

const CounterfeitReportsScreen = lazy(() =>
  import('./factory/counterfeit-reports-screen').then((m) => ({ default: m.CounterfeitReportsScreen })),
);

/** The factory screens: filled by the screens of that area, each loaded on demand (React.lazy). */
export const FACTORY_SCREENS: readonly ScreenDefinition[] = [
  {
    path: '/factory/reports',
    area: 'factory',
    labelKey: 'factory.reports.title',
    allows: roleIs('factory'),
    Screen: CounterfeitReportsScreen,
  },
];
