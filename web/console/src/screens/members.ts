import type { ScreenDefinition } from './screen-definition';

/** The members screens: filled by the screens of that area, each loaded on demand (React.lazy). */
export const MEMBERS_SCREENS: readonly ScreenDefinition[] = [];
