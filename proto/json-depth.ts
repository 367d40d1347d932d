/**
 * The nesting depth of a JSON text, checked before JSON.parse sees it (so that neither the parser
 * nor any later walk over the value can run out of stack on `[[[[…]]]]`).
 */
import { ProtocolError } from './messages.js';

/** Deeper than the deepest client message (inputChunk.neuronInputs[].bins[].exc[]: 7 levels). */
export const MAX_JSON_DEPTH = 16;

/**
 * Throws BAD_FRAME when arrays/objects nest deeper than `maxDepth`. Exact for every prefix that
 * JSON.parse accepts (strings and their escapes are skipped); beyond the first syntax error the
 * count may be off, but JSON.parse rejects such a text anyway.
 */
export function checkJsonDepth(text: string, maxDepth = MAX_JSON_DEPTH): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth)
        throw new ProtocolError(
          'BAD_FRAME',
          `JSON nested deeper than ${maxDepth} levels (at character ${i})`,
        );
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}
