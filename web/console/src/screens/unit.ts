import type { ScreenDefinition } from './screen-definition';

/** The unit screens: filled by the screens of that area, each loaded on demand (React.lazy). */
export const UNIT_SCREENS: readonly ScreenDefinition[] = [];
