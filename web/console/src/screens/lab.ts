import type { ScreenDefinition } from './screen-definition';

/** The lab screens: filled by the screens of that area, each loaded on demand (React.lazy). */
export const LAB_SCREENS: readonly ScreenDefinition[] = [];
