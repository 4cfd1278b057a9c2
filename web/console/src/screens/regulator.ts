import type { ScreenDefinition } from './screen-definition';

/** The regulator screens: filled by the screens of that area, each loaded on demand (React.lazy). */
export const REGULATOR_SCREENS: readonly ScreenDefinition[] = [];
