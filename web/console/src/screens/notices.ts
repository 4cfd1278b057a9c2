import type { ScreenDefinition } from './screen-definition';

/** The notices screens: filled by the screens of that area, each loaded on demand (React.lazy). */
export const NOTICES_SCREENS: readonly ScreenDefinition[] = [];
