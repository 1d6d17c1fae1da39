// Splits a YAML stream into document chunks without parsing it, so each document can be parsed
// (and cached) on its own. YAML forbids `---` and `...` at the start of a line inside any
// scalar, so a line that starts with one of them is always a document boundary.

export interface DocumentChunk {
  /** Offset of the chunk in the whole text. */
  readonly offset: number;
  readonly text: string;
}

// Not the `m` flag: JavaScript's `^` also matches after U+2028 and a lone CR, YAML's does not.
const MARKER = /(?:^|\n)(?:---|\.\.\.)(?=[ \t\r\n]|$)/g;

export function splitDocuments(text: string): DocumentChunk[] {
  const chunks: DocumentChunk[] = [];
  let chunkStart = 0;
  MARKER.lastIndex = 0;
  for (let match = MARKER.exec(text); match !== null; match = MARKER.exec(text)) {
    const lineBreak = match[0].startsWith('\n') ? 1 : 0;
    const marker = match[0].slice(lineBreak);
    const index = match.index + lineBreak;
    if (marker === '---') {
      // `---` opens the next document: the chunk before it ends here.
      if (index > chunkStart) chunks.push({ offset: chunkStart, text: text.slice(chunkStart, index) });
      chunkStart = index;
    } else {
      // `...` closes the current document: keep it (and its line) with that document.
      const lineEnd = text.indexOf('\n', index);
      const end = lineEnd < 0 ? text.length : lineEnd + 1;
      chunks.push({ offset: chunkStart, text: text.slice(chunkStart, end) });
      chunkStart = end;
      MARKER.lastIndex = end - 1;
    }
  }
  if (chunkStart < text.length || chunks.length === 0) chunks.push({ offset: chunkStart, text: text.slice(chunkStart) });
  return chunks;
}

/** True when a chunk holds only comments, blank lines and markers: no document at all. */
export function isBlankChunk(text: string): boolean {
  return /^(?:[ \t]*(?:#.*)?(?:\r?\n|$)|(?:---|\.\.\.)[ \t]*(?:#.*)?(?:\r?\n|$))*$/.test(text);
}

/** Directives (`%YAML`, `%TAG`) bind to the next document across markers: such files are parsed whole. */
export function hasDirectives(text: string): boolean {
  return text.startsWith('%') || text.includes('\n%');
}
