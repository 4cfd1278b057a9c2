import type { ScreenDefinition } from './screen-definition';

/** The distributor screens: filled by the screens of that area, each loaded on demand (React.lazy). */
export const DISTRIBUTOR_SCREENS: readonly ScreenDefinition[] = [];
