import type { ScreenDefinition } from './screen-definition';

/** The factory screens: filled by the screens of that area, each loaded on demand (React.lazy). */
export const FACTORY_SCREENS: readonly ScreenDefinition[] = [];
