/**
 * Label text for the PDF writer: measured, fitted to the label's width and encoded for two
 * fonts that no reader needs embedded. Printable ASCII is set in Courier (a standard font;
 * every glyph 600/1000 em wide); anything else (Chinese) in STSong-Light through the
 * predefined CMap UniGB-UCS2-H (ISO 32000-1 §9.7.5.2, Adobe-GB1), which readers supply
 * from their Asian font packs, so a label PDF stays small and carries no font file. The
 * CID font's default width (/DW 1000) is the only width the document declares, so every
 * non-ASCII glyph advances exactly one em and a line's width is known before it is drawn:
 * text is never measured by guesswork, and never runs into the next label.
 */

/** Courier's advance, in ems. */
export const LATIN_ADVANCE = 0.6;
/** The CJK font's advance (its /DW), in ems. */
export const CJK_ADVANCE = 1;
/** Below this a printed line is no longer read by a person at arm's length. */
export const MIN_FONT_SIZE_PT = 4;

/** Courier's WinAnsi byte for the ellipsis: one glyph, the width of any other. */
const ELLIPSIS = '\u2026';

const isLatin = (ch: string): boolean => {
  const code = ch.charCodeAt(0);
  return (code >= 0x20 && code <= 0x7e) || ch === ELLIPSIS;
};

/** Width of `text` in ems, as a reader lays it out with the two fonts' declared widths. */
export const textEms = (text: string): number => {
  let ems = 0;
  for (const ch of text) ems += isLatin(ch) ? LATIN_ADVANCE : CJK_ADVANCE;
  return ems;
};

export interface FittedLine {
  text: string;
  size: number;
  /** Width at `size`, in points. */
  width: number;
}

/**
 * The line at `size` when it fits `maxWidth` (points); otherwise shrunk until it does, down
 * to `minSize`; at `minSize` cut with an ellipsis where it still does not. The result never
 * exceeds `maxWidth`.
 */
export const fitLine = (text: string, size: number, maxWidth: number, minSize = MIN_FONT_SIZE_PT): FittedLine => {
  const ems = textEms(text);
  if (ems * size <= maxWidth) return { text, size, width: ems * size };
  const smallest = Math.min(size, minSize);
  if (ems * smallest <= maxWidth) {
    const shrunk = maxWidth / ems;
    return { text, size: shrunk, width: ems * shrunk };
  }
  const room = maxWidth / smallest - LATIN_ADVANCE;
  let kept = '';
  let keptEms = 0;
  for (const ch of text) {
    const advance = isLatin(ch) ? LATIN_ADVANCE : CJK_ADVANCE;
    if (keptEms + advance > room) break;
    kept += ch;
    keptEms += advance;
  }
  const cut = `${kept.trimEnd()}${ELLIPSIS}`;
  return { text: cut, size: smallest, width: textEms(cut) * smallest };
};

/** Runs of one font each: `latin` for Courier, otherwise the CJK font. */
export const fontRuns = (text: string): { latin: boolean; text: string }[] => {
  const runs: { latin: boolean; text: string }[] = [];
  for (const ch of text) {
    const latin = isLatin(ch);
    const last = runs.at(-1);
    if (last?.latin === latin) last.text += ch;
    else runs.push({ latin, text: ch });
  }
  return runs;
};

/** A PDF literal string: backslash, parentheses escaped; the ellipsis as Courier's WinAnsi byte. */
export const pdfString = (text: string): string =>
  `(${text.replace(/[\\()]|[^\x20-\x7e]/g, (ch) => {
    if ('\\()'.includes(ch)) return `\\${ch}`;
    if (ch === ELLIPSIS) return '\\205';
    return `\\${(ch.charCodeAt(0) & 0xff).toString(8).padStart(3, '0')}`;
  })})`;

/** A hex string of UTF-16 code units, as UniGB-UCS2-H reads them; outside the BMP a full-width '?'. */
export const ucs2Hex = (text: string): string => {
  let hex = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0x3f;
    hex += (code > 0xffff ? 0xff1f : code).toString(16).toUpperCase().padStart(4, '0');
  }
  return `<${hex}>`;
};

/**
 * Show operators for `text` at the current text position, switching font per run; Tj
 * advances the position by each run's declared width, so runs follow one another exactly.
 */
export const showText = (text: string, size: string, latinFont: string, cjkFont: string): string =>
  fontRuns(text)
    .map((run) =>
      run.latin ? `/${latinFont} ${size} Tf ${pdfString(run.text)} Tj` : `/${cjkFont} ${size} Tf ${ucs2Hex(run.text)} Tj`,
    )
    .join(' ');
