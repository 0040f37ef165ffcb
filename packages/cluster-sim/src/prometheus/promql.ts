/**
 * A parser for the small PromQL subset the simulator's Prometheus API answers:
 *
 *   expr      := aggregate | call | selector | '(' expr ')'
 *   aggregate := 'sum' [grouping] '(' expr ')' [grouping]
 *   grouping  := 'by' '(' [label {',' label} [',']] ')'
 *   call      := 'rate' '(' selector '[' duration ']' ')'
 *   selector  := metric ['{' [matcher {',' matcher} [',']] '}'] | '{' matcher {',' matcher} [','] '}'
 *   matcher   := label ('=' | '!=' | '=~' | '!~') string
 *
 * The lexer knows all of PromQL's tokens, so valid PromQL outside the subset (other functions
 * and aggregations, binary operators, offset, @, subqueries, literals) is told apart from a
 * syntax error: the first is an UnsupportedQueryError (HTTP 422), the second a QueryParseError
 * (HTTP 400), each naming the construct and its position.
 */

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  label: string;
  op: MatchOp;
  value: string;
  /** Anchored regular expression for =~ and !~ (Prometheus regexes match the whole value). */
  regex?: RegExp;
}

export type Expr =
  | { type: 'selector'; matchers: Matcher[] }
  | { type: 'rate'; selector: Matcher[]; rangeMs: number }
  | { type: 'sum'; by?: string[]; expr: Expr };

export class QueryParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryParseError';
  }
}

export class UnsupportedQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedQueryError';
  }
}

type TokenKind = 'ident' | 'string' | 'number' | 'duration' | 'op' | 'eof';
interface Token {
  kind: TokenKind;
  text: string;
  /** Decoded value of a string token. */
  value?: string;
  pos: number;
}

const AGGREGATIONS = new Set([
  'sum',
  'avg',
  'min',
  'max',
  'count',
  'group',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'quantile',
  'count_values',
  'limitk',
  'limit_ratio',
]);
const KEYWORDS = new Set([
  'by',
  'without',
  'offset',
  'bool',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'atan2',
]);
const BINARY_OPS = new Set([
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '==',
  '!=',
  '>',
  '<',
  '>=',
  '<=',
  'and',
  'or',
  'unless',
  'atan2',
]);
const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};
// Longest first, so "1h30m" and "500ms" lex as one token.
const OPERATORS = [
  '=~',
  '!~',
  '!=',
  '==',
  '>=',
  '<=',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '>',
  '<',
  '@',
];

function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      // comment to end of line
      while (i < input.length && input[i] !== '\n') i++;
      continue;
    }
    const pos = i;
    if (c === '"' || c === "'" || c === '`') {
      let value = '';
      i++;
      for (;;) {
        if (i >= input.length)
          throw new QueryParseError(
            `unterminated string starting at char ${pos + 1}`,
          );
        const ch = input[i];
        if (ch === c) {
          i++;
          break;
        }
        if (ch === '\\' && c !== '`') {
          const esc = input[i + 1];
          const map: Record<string, string> = {
            n: '\n',
            t: '\t',
            r: '\r',
            '\\': '\\',
            '"': '"',
            "'": "'",
          };
          if (esc === undefined || map[esc] === undefined) {
            throw new QueryParseError(
              `unknown escape sequence \\${esc ?? ''} at char ${i + 1}`,
            );
          }
          value += map[esc];
          i += 2;
          continue;
        }
        value += ch;
        i++;
      }
      tokens.push({ kind: 'string', text: input.slice(pos, i), value, pos });
      continue;
    }
    const dur = /^(?:[0-9]+(?:ms|s|m|h|d|w|y))+/.exec(input.slice(i));
    if (dur) {
      tokens.push({ kind: 'duration', text: dur[0], pos });
      i += dur[0].length;
      continue;
    }
    const num =
      /^(?:0x[0-9a-fA-F]+|[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?|Inf|NaN)(?![A-Za-z0-9_:])/i.exec(
        input.slice(i),
      );
    if (num && /[0-9.]/.test(c)) {
      tokens.push({ kind: 'number', text: num[0], pos });
      i += num[0].length;
      continue;
    }
    // (A leading ":" is left to the operator lexer: it separates a subquery's range and step.)
    const id = /^[A-Za-z_][A-Za-z0-9_:]*/.exec(input.slice(i));
    if (id) {
      tokens.push({ kind: 'ident', text: id[0], pos });
      i += id[0].length;
      continue;
    }
    const rest = input.slice(i);
    const op = OPERATORS.find(o => rest.startsWith(o));
    if (op) {
      tokens.push({ kind: 'op', text: op, pos });
      i += op.length;
      continue;
    }
    throw new QueryParseError(`unexpected character "${c}" at char ${pos + 1}`);
  }
  tokens.push({ kind: 'eof', text: 'end of input', pos: input.length });
  return tokens;
}

export function parseDurationMs(text: string): number {
  let total = 0;
  for (const m of text.matchAll(/([0-9]+)(ms|s|m|h|d|w|y)/g))
    total += Number(m[1]) * DURATION_UNITS[m[2]];
  return total;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  private at(t: Token): string {
    return t.kind === 'eof' ? 'at end of input' : `at char ${t.pos + 1}`;
  }

  private expectOp(op: string, context: string): Token {
    const t = this.next();
    if (t.kind !== 'op' || t.text !== op) {
      throw new QueryParseError(
        `unexpected ${describe(t)} ${this.at(
          t,
        )} in ${context}, expected "${op}"`,
      );
    }
    return t;
  }

  private isOp(op: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'op' && t.text === op;
  }

  parseQuery(): Expr {
    const e = this.parseExpr();
    const t = this.peek();
    if (t.kind !== 'eof') this.unexpectedAfterExpr(t);
    return e;
  }

  private unexpectedAfterExpr(t: Token): never {
    if ((t.kind === 'op' || t.kind === 'ident') && BINARY_OPS.has(t.text)) {
      throw new UnsupportedQueryError(
        `binary operator "${t.text}" ${this.at(t)} is not supported`,
      );
    }
    if (t.kind === 'ident' && t.text === 'offset')
      throw new UnsupportedQueryError(
        `offset modifier ${this.at(t)} is not supported`,
      );
    if (t.kind === 'op' && t.text === '@')
      throw new UnsupportedQueryError(
        `@ modifier ${this.at(t)} is not supported`,
      );
    if (t.kind === 'op' && t.text === '[') {
      throw new UnsupportedQueryError(
        `range vector selectors ${this.at(t)} are only supported inside rate()`,
      );
    }
    throw new QueryParseError(`unexpected ${describe(t)} ${this.at(t)}`);
  }

  private parseExpr(): Expr {
    const t = this.peek();
    if (t.kind === 'op' && t.text === '(') {
      this.next();
      const e = this.parseExpr();
      const close = this.peek();
      if (!(close.kind === 'op' && close.text === ')'))
        this.unexpectedAfterExpr(close);
      this.next();
      return e;
    }
    if (t.kind === 'op' && t.text === '{')
      return { type: 'selector', matchers: this.parseSelector() };
    if (t.kind === 'op' && (t.text === '-' || t.text === '+'))
      throw new UnsupportedQueryError(
        `unary "${t.text}" ${this.at(t)} is not supported`,
      );
    if (t.kind === 'number')
      throw new UnsupportedQueryError(
        `number literals (${t.text} ${this.at(t)}) are not supported`,
      );
    if (t.kind === 'string')
      throw new UnsupportedQueryError(
        `string literals (${t.text} ${this.at(t)}) are not supported`,
      );
    if (t.kind !== 'ident')
      throw new QueryParseError(
        `unexpected ${describe(t)} ${this.at(t)}, expected an expression`,
      );
    const name = t.text;
    if (
      AGGREGATIONS.has(name) &&
      (this.isOp('(', 1) ||
        this.peekIdent(1, 'by') ||
        this.peekIdent(1, 'without'))
    ) {
      if (name !== 'sum')
        throw new UnsupportedQueryError(
          `aggregation "${name}" ${this.at(t)} is not supported (only sum)`,
        );
      return this.parseSum();
    }
    if (this.isOp('(', 1)) {
      if (name !== 'rate')
        throw new UnsupportedQueryError(
          `function "${name}" ${this.at(t)} is not supported (only rate)`,
        );
      return this.parseRate();
    }
    if (KEYWORDS.has(name))
      throw new QueryParseError(`unexpected keyword "${name}" ${this.at(t)}`);
    const matchers = this.parseSelector();
    if (this.isOp('[')) {
      const open = this.peek();
      throw new UnsupportedQueryError(
        `range vector selectors ${this.at(
          open,
        )} are only supported inside rate()`,
      );
    }
    return { type: 'selector', matchers };
  }

  private peekIdent(offset: number, text: string): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && t.text === text;
  }

  private parseGrouping(): string[] {
    const kw = this.next(); // by | without
    if (kw.text === 'without')
      throw new UnsupportedQueryError(
        `"without" ${this.at(kw)} is not supported (use by)`,
      );
    this.expectOp('(', 'grouping labels');
    const labels: string[] = [];
    while (!this.isOp(')')) {
      const l = this.next();
      if (l.kind !== 'ident' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(l.text)) {
        throw new QueryParseError(
          `unexpected ${describe(l)} ${this.at(
            l,
          )} in grouping labels, expected a label name`,
        );
      }
      labels.push(l.text);
      if (this.isOp(',')) this.next();
      else if (!this.isOp(')')) {
        const u = this.peek();
        throw new QueryParseError(
          `unexpected ${describe(u)} ${this.at(
            u,
          )} in grouping labels, expected "," or ")"`,
        );
      }
    }
    this.next();
    return labels;
  }

  private parseSum(): Expr {
    this.next(); // sum
    let by: string[] | undefined;
    if (this.peekIdent(0, 'by') || this.peekIdent(0, 'without'))
      by = this.parseGrouping();
    this.expectOp('(', 'aggregation');
    const inner = this.parseExpr();
    const close = this.peek();
    if (!(close.kind === 'op' && close.text === ')')) {
      if (close.kind === 'op' && close.text === ',')
        throw new UnsupportedQueryError(
          `sum takes one argument (unexpected "," ${this.at(close)})`,
        );
      this.unexpectedAfterExpr(close);
    }
    this.next();
    if (this.peekIdent(0, 'by') || this.peekIdent(0, 'without')) {
      if (by)
        throw new QueryParseError(
          `grouping given twice ${this.at(this.peek())}`,
        );
      by = this.parseGrouping();
    }
    return by ? { type: 'sum', by, expr: inner } : { type: 'sum', expr: inner };
  }

  private parseRate(): Expr {
    const fn = this.next(); // rate
    this.expectOp('(', 'call to rate');
    const start = this.peek();
    if (
      start.kind !== 'ident' &&
      !(start.kind === 'op' && start.text === '{')
    ) {
      if (start.kind === 'op' && start.text === ')')
        throw new QueryParseError(
          `rate ${this.at(fn)} expects 1 argument, got 0`,
        );
      throw new UnsupportedQueryError(
        `rate ${this.at(
          fn,
        )} is only supported over a range vector selector like metric{...}[5m]`,
      );
    }
    if (
      start.kind === 'ident' &&
      (this.isOp('(', 1) || KEYWORDS.has(start.text))
    ) {
      throw new UnsupportedQueryError(
        `rate ${this.at(
          fn,
        )} is only supported over a range vector selector like metric{...}[5m]`,
      );
    }
    const selector = this.parseSelector();
    if (!this.isOp('[')) {
      throw new QueryParseError(
        `expected type range vector in call to function "rate" ${this.at(
          fn,
        )}, got instant vector`,
      );
    }
    this.next();
    const d = this.next();
    if (d.kind !== 'duration')
      throw new QueryParseError(
        `unexpected ${describe(d)} ${this.at(
          d,
        )} in range, expected a duration like 5m`,
      );
    if (this.isOp(':'))
      throw new UnsupportedQueryError(
        `subqueries ${this.at(this.peek())} are not supported`,
      );
    this.expectOp(']', 'range');
    const rangeMs = parseDurationMs(d.text);
    if (rangeMs <= 0)
      throw new QueryParseError(`range ${d.text} must be positive`);
    const after = this.peek();
    if (after.kind === 'ident' && after.text === 'offset')
      throw new UnsupportedQueryError(
        `offset modifier ${this.at(after)} is not supported`,
      );
    if (after.kind === 'op' && after.text === '@')
      throw new UnsupportedQueryError(
        `@ modifier ${this.at(after)} is not supported`,
      );
    if (after.kind === 'op' && after.text === ',')
      throw new QueryParseError(
        `rate ${this.at(fn)} expects 1 argument, got more`,
      );
    this.expectOp(')', 'call to rate');
    return { type: 'rate', selector, rangeMs };
  }

  private parseSelector(): Matcher[] {
    const matchers: Matcher[] = [];
    const first = this.peek();
    if (first.kind === 'ident') {
      this.next();
      matchers.push({ label: '__name__', op: '=', value: first.text });
    }
    if (this.isOp('{')) {
      this.next();
      while (!this.isOp('}')) {
        const l = this.next();
        if (l.kind !== 'ident' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(l.text)) {
          throw new QueryParseError(
            `unexpected ${describe(l)} ${this.at(
              l,
            )} in label matching, expected a label name`,
          );
        }
        const op = this.next();
        if (op.kind !== 'op' || !['=', '!=', '=~', '!~'].includes(op.text)) {
          throw new QueryParseError(
            `unexpected ${describe(op)} ${this.at(
              op,
            )} in label matching, expected one of "=", "!=", "=~", "!~"`,
          );
        }
        const v = this.next();
        if (v.kind !== 'string')
          throw new QueryParseError(
            `unexpected ${describe(v)} ${this.at(
              v,
            )} in label matching, expected a string`,
          );
        matchers.push(makeMatcher(l.text, op.text as MatchOp, v.value!, v.pos));
        if (this.isOp(',')) this.next();
        else if (!this.isOp('}')) {
          const u = this.peek();
          throw new QueryParseError(
            `unexpected ${describe(u)} ${this.at(
              u,
            )} in label matching, expected "," or "}"`,
          );
        }
      }
      this.next();
    } else if (first.kind !== 'ident') {
      throw new QueryParseError(
        `unexpected ${describe(first)} ${this.at(
          first,
        )}, expected a metric name or "{"`,
      );
    }
    if (!matchers.some(m => !matchesValue(m, ''))) {
      throw new QueryParseError(
        `vector selector at char ${
          first.pos + 1
        } must contain at least one non-empty matcher`,
      );
    }
    const after = this.peek();
    if (after.kind === 'ident' && after.text === 'offset')
      throw new UnsupportedQueryError(
        `offset modifier ${this.at(after)} is not supported`,
      );
    if (after.kind === 'op' && after.text === '@')
      throw new UnsupportedQueryError(
        `@ modifier ${this.at(after)} is not supported`,
      );
    return matchers;
  }
}

function makeMatcher(
  label: string,
  op: MatchOp,
  value: string,
  pos: number,
): Matcher {
  if (op === '=' || op === '!=') return { label, op, value };
  try {
    return { label, op, value, regex: new RegExp(`^(?:${value})$`, 's') };
  } catch (e) {
    throw new QueryParseError(
      `invalid regular expression "${value}" at char ${pos + 1}: ${
        (e as Error).message
      }`,
    );
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'end of input';
    case 'ident':
      return `identifier "${t.text}"`;
    case 'string':
      return `string ${t.text}`;
    case 'number':
      return `number ${t.text}`;
    case 'duration':
      return `duration ${t.text}`;
    default:
      return `"${t.text}"`;
  }
}

/** Whether a label value (missing labels are "") satisfies a matcher. */
export function matchesValue(m: Matcher, value: string): boolean {
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
      return m.regex!.test(value);
    default:
      return !m.regex!.test(value);
  }
}

export function matchesLabels(
  matchers: Matcher[],
  labels: Record<string, string>,
): boolean {
  return matchers.every(m => matchesValue(m, labels[m.label] ?? ''));
}

/** Parses a query of the supported subset; throws QueryParseError or UnsupportedQueryError. */
export function parsePromQL(query: string): Expr {
  if (!query.trim()) throw new QueryParseError('empty query');
  return new Parser(lex(query)).parseQuery();
}
