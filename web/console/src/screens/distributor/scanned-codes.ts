/**
 * What a label's QR says, read for the receiving list: a unit's or container's Digital Link
 * (any host, AI 8030 kept) becomes the key inventory lists it under, so the same label read
 * twice, or its case read in another form, counts once. Anything else is not one of ours.
 */
export interface ScannedCode {
  /** Exactly what the label says: sent as is, so the API checks its signature. */
  readonly text: string;
  /** `01/{gtin}/21/{serial}` or `00/{sscc}`, as inventory's `epc` ends. */
  readonly key: string;
}

const UNIT = /\/01\/(\d{14})(?:\/10\/[^/]+)?\/21\/([^/?#]+)/;
const CONTAINER = /\/00\/(\d{18})(?:$|[/?#])/;

export const scannedCode = (text: string): ScannedCode | undefined => {
  let path: string;
  try {
    const url = new URL(text.trim());
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    path = url.pathname;
  } catch {
    return undefined;
  }
  const unit = UNIT.exec(path);
  if (unit !== null) return { text: text.trim(), key: `01/${unit[1]}/21/${decodeURIComponent(unit[2] ?? '')}` };
  const container = CONTAINER.exec(path);
  return container === null ? undefined : { text: text.trim(), key: `00/${container[1]}` };
};

/** The key of an inventory item's `epc` (https://id.gs1.org/01/{gtin}/21/{serial}). */
export const keyOfEpc = (epc: string): string | undefined => scannedCode(epc)?.key;
