import canonicalize from 'canonicalize';
import { BadRequestError } from './errors';

/**
 * The one canonical JSON of TraceSeal: RFC 8785, the JSON Canonicalization Scheme (JCS),
 * through the `canonicalize` package, so anyone recomputes a hash we publish (chain links,
 * request fingerprints) with any JCS implementation. JCS accepts only I-JSON: text with a
 * lone UTF-16 surrogate (a `\uD800`-`\uDFFF` escape outside a pair) has no canonical form,
 * so such input is refused as bad input rather than failing as our bug.
 */
export const canonicalJson = (value: unknown): string => {
  if (hasLoneSurrogate(value)) {
    throw new BadRequestError(
      'ILL_FORMED_TEXT',
      'Text must be well-formed Unicode: a lone surrogate escape (\\uD800-\\uDFFF) is not allowed',
    );
  }
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('canonical JSON: the value has no JSON form');
  return text;
};

// With the u flag a surrogate pair is one code point, so \p{Cs} matches only unpaired halves.
const LONE_SURROGATE = /\p{Cs}/u;

/** Whether any string (key or value) in a JSON value holds an unpaired surrogate. */
export const hasLoneSurrogate = (value: unknown): boolean => {
  if (typeof value === 'string') return LONE_SURROGATE.test(value);
  if (Array.isArray(value)) return value.some(hasLoneSurrogate);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([key, item]) => LONE_SURROGATE.test(key) || hasLoneSurrogate(item));
  }
  return false;
};

/**
 * The key-sorted JSON TraceSeal hashed before it adopted JCS. For every value JCS accepts it
 * writes the same bytes (test/kernel/canonical-json.test.ts proves it), so links recorded
 * with it verify under JCS; it differs only where JCS has no answer, a lone surrogate,
 * which it escapes as JSON.stringify does (`\ud800`). Only for verifying such old links.
 */
export const legacyCanonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(legacyCanonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${legacyCanonicalJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
};
