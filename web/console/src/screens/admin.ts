import type { ScreenDefinition } from './screen-definition';

/** The admin screens: filled by the screens of that area, each loaded on demand (React.lazy). */
export const ADMIN_SCREENS: readonly ScreenDefinition[] = [];
