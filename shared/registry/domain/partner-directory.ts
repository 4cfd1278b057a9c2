/**
 * The partner directory: how an organization's name is found by the factories and
 * distributors that trade with it. Pure: the terms a name is filed under, and how a query
 * is read, so the store and the service agree on both.
 */
import type { Organization } from './registry';

/** Only trading parties are listed: regulators, labs and admins are not shipped to. */
export const DIRECTORY_ROLES: ReadonlySet<Organization['role']> = new Set(['factory', 'distributor']);

/** A query shorter than this lists too much of the registry at once. */
export const MIN_QUERY_LENGTH = 2;
export const MAX_DIRECTORY_PAGE = 20;
/** Words of a name after the first that are filed too ("Helmets" finds "Hefei Helmets"). */
const MAX_LATER_WORDS = 3;

/** Case, width and spacing never matter: "ＨＥＦＥＩ  helmets" reads as "hefei helmets". */
export const directoryText = (text: string): string => text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();

/** The directory partition a term (or a query) lives in: its first MIN_QUERY_LENGTH characters. */
export const directoryBucket = (term: string): string => Array.from(term).slice(0, MIN_QUERY_LENGTH).join('');

/** The terms an organization is filed under: its whole name, and its name from each later word. */
export const directoryTerms = (name: string): string[] => {
  const whole = directoryText(name);
  const words = whole.split(' ');
  const later = words.slice(1, 1 + MAX_LATER_WORDS).map((_, i) => words.slice(i + 1).join(' '));
  return [...new Set([whole, ...later])].filter((term) => Array.from(term).length >= MIN_QUERY_LENGTH);
};

/** What a query searches for, or undefined when it is too short to search. */
export const directoryQuery = (query: string): string | undefined => {
  const text = directoryText(query);
  return Array.from(text).length >= MIN_QUERY_LENGTH ? text : undefined;
};
