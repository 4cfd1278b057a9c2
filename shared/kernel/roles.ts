/**
 * The roles a caller can hold: the kernel's principal, token checks and route definitions
 * need them; the records of each capability live in its own domain folder.
 */
export const ROLES = ['factory', 'distributor', 'regulator', 'admin', 'lab'] as const;
export type Role = (typeof ROLES)[number];
