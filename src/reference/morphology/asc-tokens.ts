/**
 * Tokenizer and S-expression reader for Neurolucida ASC text files (spec §2.4).
 * Produces a tree of lists; every node remembers the line it starts on for error messages.
 */

export type AscNode =
  | { kind: 'list'; items: AscNode[]; line: number }
  | { kind: 'number'; value: number; line: number }
  | { kind: 'word'; value: string; line: number }
  | { kind: 'string'; value: string; line: number }
  | { kind: 'bar'; line: number }
  | { kind: 'comma'; line: number };

export class AscSyntaxError extends Error {
  constructor(
    readonly line: number,
    reason: string,
    source = 'ASC',
  ) {
    super(`${source}:${line}: ${reason}`);
    this.name = 'AscSyntaxError';
  }
}

type Token =
  | { kind: '(' | ')' | '|' | ','; line: number }
  | { kind: 'string'; value: string; line: number }
  | { kind: 'atom'; value: string; line: number };

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function isAtomChar(c: string): boolean {
  return !(c === '(' || c === ')' || c === '|' || c === ',' || c === '"' || c === ';' || c <= ' ');
}

export function tokenizeAsc(text: string, source = 'ASC'): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (c <= ' ') {
      i++;
    } else if (c === ';') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '(' || c === ')' || c === '|' || c === ',') {
      tokens.push({ kind: c, line });
      i++;
    } else if (c === '"') {
      const start = line;
      let j = i + 1;
      while (j < n && text[j] !== '"') {
        if (text[j] === '\n') line++;
        j++;
      }
      if (j >= n) throw new AscSyntaxError(start, 'unterminated string', source);
      tokens.push({ kind: 'string', value: text.slice(i + 1, j), line: start });
      i = j + 1;
    } else {
      let j = i;
      while (j < n && isAtomChar(text[j])) j++;
      if (j === i) throw new AscSyntaxError(line, `unexpected character ${JSON.stringify(c)}`, source);
      tokens.push({ kind: 'atom', value: text.slice(i, j), line });
      i = j;
    }
  }
  return tokens;
}

/** Reads the whole file as a list of top-level nodes. */
export function readAscExpressions(text: string, source = 'ASC'): AscNode[] {
  const tokens = tokenizeAsc(text, source);
  const top: AscNode[] = [];
  const stack: { items: AscNode[]; line: number }[] = [];
  for (const t of tokens) {
    const target = stack.length > 0 ? stack[stack.length - 1].items : top;
    switch (t.kind) {
      case '(':
        stack.push({ items: [], line: t.line });
        break;
      case ')': {
        const open = stack.pop();
        if (!open) throw new AscSyntaxError(t.line, "unbalanced ')' with no matching '('", source);
        const node: AscNode = { kind: 'list', items: open.items, line: open.line };
        (stack.length > 0 ? stack[stack.length - 1].items : top).push(node);
        break;
      }
      case '|':
        target.push({ kind: 'bar', line: t.line });
        break;
      case ',':
        target.push({ kind: 'comma', line: t.line });
        break;
      case 'string':
        target.push({ kind: 'string', value: t.value, line: t.line });
        break;
      case 'atom':
        if (NUMBER.test(t.value)) target.push({ kind: 'number', value: Number(t.value), line: t.line });
        else target.push({ kind: 'word', value: t.value, line: t.line });
        break;
    }
  }
  if (stack.length > 0) {
    throw new AscSyntaxError(stack[stack.length - 1].line, "'(' opened here is never closed", source);
  }
  return top;
}
