/**
 * Relative links of the Markdown documents and whether they resolve: to a file or folder of
 * the checkout, and a `#fragment` to a heading of the target (GitHub's slugs) or an HTML
 * anchor. Code blocks and code spans are not prose: links inside them are not read.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export interface DocLink {
  /** The document, relative to the checkout, and the 1-based line the link is on. */
  file: string;
  line: number;
  target: string;
}

export interface BrokenLink extends DocLink {
  why: string;
}

/** Folders never searched for documents: dependencies, build output, tool state. */
const SKIPPED = new Set(['node_modules', 'cdk.out', 'coverage']);

/** Every Markdown document of the checkout (hidden folders and SKIPPED left out), sorted. */
export const markdownFiles = (root: string, dir = ''): string[] =>
  readdirSync(join(root, dir))
    .sort()
    .flatMap((name) => {
      if (name.startsWith('.') || SKIPPED.has(name)) return [];
      const path = dir === '' ? name : `${dir}/${name}`;
      if (statSync(join(root, path)).isDirectory()) return markdownFiles(root, path);
      return name.endsWith('.md') ? [path] : [];
    });

/**
 * The document with fenced and indented code blocks blanked (lines kept, so line numbers
 * hold). An indented block starts after a blank line and is not part of a list item.
 */
export const withoutCodeBlocks = (markdown: string): string => {
  let fence: string | undefined;
  let previousBlank = true;
  let inIndented = false;
  let inList = false;
  return markdown
    .split('\n')
    .map((line) => {
      const opener = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
      if (fence !== undefined) {
        if (opener !== undefined && opener[0] === fence[0] && opener.length >= fence.length && line.trim() === opener) {
          fence = undefined;
        }
        return '';
      }
      if (opener !== undefined) {
        fence = opener;
        return '';
      }
      const blank = line.trim() === '';
      if (/^ {0,3}([-*+]|\d+[.)]) /.test(line)) inList = true;
      else if (blank) inList = inList && !previousBlank;
      else if (!/^\s/.test(line)) inList = false;
      inIndented = !blank && /^( {4}|\t)/.test(line) && !inList && (previousBlank || inIndented);
      previousBlank = blank;
      return inIndented ? '' : line;
    })
    .join('\n');
};

/** Code spans (any run of backticks, to the same run) blanked, newlines kept. */
const withoutCodeSpans = (text: string): string =>
  text.replace(/(`+)(?!`)[\s\S]*?[^`]\1(?!`)|(`+)(?!`)\2/g, (span) => span.replace(/[^\n]/g, ' '));

const INLINE_LINK = /!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^\s)>]*)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g;
const REFERENCE_DEFINITION = /^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/gm;

/** Every link target of a document's prose: inline links, images and reference definitions. */
export const linksOf = (file: string, markdown: string): DocLink[] => {
  const prose = withoutCodeSpans(withoutCodeBlocks(markdown));
  const lineAt = (index: number) => prose.slice(0, index).split('\n').length;
  return [...prose.matchAll(INLINE_LINK), ...prose.matchAll(REFERENCE_DEFINITION)]
    .map((match) => ({ file, line: lineAt(match.index), target: match[1] ?? '' }))
    .sort((a, b) => a.line - b.line);
};

/** Whether a target leaves the checkout: a URL with a scheme, or protocol-relative. */
const isExternal = (target: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');

/** GitHub's heading id: lower case, punctuation and symbols dropped, each space a hyphen. */
export const slugOf = (heading: string): string =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');

/** The text a heading renders: links and images as their text, code as its content, no emphasis or HTML. */
const headingText = (raw: string): string =>
  raw
    .replace(/\s+#+\s*$/, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/`+/g, '')
    .replace(/\*+/g, '')
    .trim();

/** The fragments a document answers to: its headings' ids (repeats numbered as GitHub does) and HTML anchors. */
export const anchorsOf = (markdown: string): Set<string> => {
  const anchors = new Set<string>();
  const counts = new Map<string, number>();
  const text = withoutCodeBlocks(markdown);
  for (const line of text.split('\n')) {
    const heading = /^ {0,3}#{1,6}\s+(.*)$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const slug = slugOf(headingText(heading));
    const seen = counts.get(slug) ?? 0;
    counts.set(slug, seen + 1);
    anchors.add(seen === 0 ? slug : `${slug}-${seen}`);
  }
  for (const match of text.matchAll(/<a\s[^>]*(?:id|name)="([^"]+)"/g)) if (match[1] !== undefined) anchors.add(match[1]);
  return anchors;
};

/** The links of the checkout's documents that do not resolve, each with why. */
export const brokenLinks = (root: string, files: readonly string[] = markdownFiles(root)): BrokenLink[] => {
  const anchorCache = new Map<string, Set<string>>();
  const anchorsIn = (path: string) => {
    let anchors = anchorCache.get(path);
    if (anchors === undefined) anchorCache.set(path, (anchors = anchorsOf(readFileSync(join(root, path), 'utf8'))));
    return anchors;
  };
  return files.flatMap((file) =>
    linksOf(file, readFileSync(join(root, file), 'utf8')).flatMap((link): BrokenLink[] => {
      if (isExternal(link.target)) return [];
      const hashAt = link.target.indexOf('#');
      const pathPart = hashAt === -1 ? link.target : link.target.slice(0, hashAt);
      const fragment = hashAt === -1 ? undefined : decodeURIComponent(link.target.slice(hashAt + 1));
      const absolute = pathPart === '' ? join(root, file) : resolve(root, dirname(file), decodeURIComponent(pathPart));
      const target = relative(root, absolute).split('\\').join('/');
      if (target.startsWith('..') || !existsSync(absolute)) return [{ ...link, why: `no file ${target}` }];
      if (fragment === undefined || fragment === '') return [];
      if (!target.endsWith('.md')) return [{ ...link, why: `${target} is not a document with headings` }];
      return anchorsIn(target).has(fragment) ? [] : [{ ...link, why: `no heading #${fragment} in ${target}` }];
    }),
  );
};
