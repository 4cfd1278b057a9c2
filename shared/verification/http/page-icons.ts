import type { Light } from './page-messages';

/**
 * One icon per verdict, drawn inline (the page fetches nothing), so two verdicts of the same
 * colour are told apart without reading: a check for genuine, a triangle for suspect scans, a
 * hand-back arrow for a recall, a clock for an ended service life, a barred circle for a block,
 * a struck-through octagon for a forged label, a dash for a withdrawn one, a question mark for
 * an unknown code. Hidden from screen readers: the heading says the same in words.
 */
const RING = '<circle cx="12" cy="12" r="10"/>';
const CHECK = `${RING}<path d="M7 12.5l3.5 3.5L17 9"/>`;
const PATHS: Record<Light, string> = {
  genuine: CHECK,
  sold: CHECK,
  inUse: CHECK,
  suspect: '<path d="M12 3L2 21h20z"/><path d="M12 10v5M12 18v.5"/>',
  recalled: '<path d="M9 14L4 9l5-5"/><path d="M4 9h11a5 5 0 010 10h-4"/>',
  expired: `${RING}<path d="M12 6v6l4 2"/>`,
  blocked: `${RING}<path d="M5 5l14 14"/>`,
  invalid: '<path d="M7.9 2h8.2L22 7.9v8.2L16.1 22H7.9L2 16.1V7.9z"/><path d="M9 9l6 6M15 9l-6 6"/>',
  withdrawn: `${RING}<path d="M7 12h10"/>`,
  unknown: `${RING}<path d="M9.1 9a3 3 0 015.8 1c0 2-3 2-3 4M12 17.5v.5"/>`,
};

export const verdictIcon = (light: Light): string =>
  `<svg class="icon" data-icon="${light}" aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="40" height="40" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round">${PATHS[light]}</svg>`;
