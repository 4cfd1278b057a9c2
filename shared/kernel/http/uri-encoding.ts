/**
 * Percent-encoding of values placed in URIs (paths, query values) we answer with, in bodies
 * and headers alike. Everything but RFC 3986's unreserved characters is encoded, so no value
 * (a GS1 lot may hold `<>;,="` and more) can end a Link target, add a parameter or a path
 * segment, or start a query; decoding gives the value back exactly.
 */
export const percentEncode = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** `/a/b/c` from segments, each encoded. */
export const pathOf = (...segments: readonly string[]): string => segments.map((s) => `/${percentEncode(s)}`).join('');

/** `path?name=value&…`, each name and value encoded; undefined values are left out. */
export const withQuery = (path: string, query: Readonly<Record<string, string | undefined>>): string => {
  const pairs = Object.entries(query).flatMap(([name, value]) =>
    value === undefined ? [] : [`${percentEncode(name)}=${percentEncode(value)}`],
  );
  return pairs.length === 0 ? path : `${path}?${pairs.join('&')}`;
};
