import { lazy } from 'react';
import { roleIs, type ScreenDefinition } from './screen-definition';

/** The admin screens: each loaded on demand (React.lazy). */
export const ADMIN_SCREENS: readonly ScreenDefinition[] = [
  {
    path: '/admin/organizations',
    labelKey: 'admin.menu',
    area: 'admin',
    allows: roleIs('admin'),
    Screen: lazy(() => import('./admin/organizations-screen').then((m) => ({ default: m.OrganizationsScreen }))),
  },
];
