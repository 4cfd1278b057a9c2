/** A product's registered name in the reader's language, or its one name when it registered only one. */
export const productNameOf = (
  product: { name: string; names?: { zh?: string; en?: string } } | undefined,
  language: string,
): string | undefined => {
  if (product === undefined) return undefined;
  const localized = language === 'en' ? product.names?.en : product.names?.zh;
  return localized ?? product.name;
};

/** The EPC a unit of a lot is named by in custody events (any host is accepted; this is GS1's). */
export const unitEpc = (gtin: string, lot: string, serial: string): string =>
  `https://id.gs1.org/01/${gtin}/10/${encodeURIComponent(lot)}/21/${encodeURIComponent(serial)}`;
