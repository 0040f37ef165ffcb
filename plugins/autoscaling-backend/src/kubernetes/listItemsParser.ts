/**
 * Parses a Kubernetes list body (`{"kind":…,"metadata":…,"items":[…]}`) as it streams in,
 * one item at a time: a list of 30,000 pod metrics is then parsed in the body's chunks, each
 * its own turn of the event loop, instead of in one JSON.parse that holds the loop for a
 * quarter of a second. The result equals JSON.parse of the whole body.
 *
 * It scans for the top-level `"items"` array with a small state machine (inside a string or
 * not, escapes, nesting depth); every element of that array is handed to JSON.parse on its
 * own, and the rest of the body (kind, metadata) once at the end.
 */
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

const notObjects = () =>
  new SyntaxError('a list body whose items are not objects or arrays');

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

export class ListItemsParser {
  private readonly items: unknown[] = [];
  /** Text outside the items array (with `[]` in its place), parsed at the end. */
  private outside = '';
  /** The current element's text so far. */
  private element = '';
  private phase: 'before' | 'items' | 'after' = 'before';
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The last string closed at depth 1, and whether a `:` followed it (it is a key). */
  private lastString = '';
  private stringStart = -1;
  private key: string | undefined;

  /** Feeds the next decoded piece of the body. */
  push(text: string): void {
    let copyFrom = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.phase === 'before' && this.depth === 1) {
            this.lastString += text.slice(Math.max(this.stringStart, 0), i);
            this.stringStart = -1;
          }
        }
        continue;
      }
      if (c === QUOTE) {
        if (this.phase === 'items' && this.depth === 2) throw notObjects();
        this.inString = true;
        if (this.phase === 'before' && this.depth === 1) {
          this.lastString = '';
          this.stringStart = i + 1;
        }
        continue;
      }
      if (this.phase === 'before') {
        if (c === COLON && this.depth === 1) this.key = this.lastString;
        else if (c === COMMA && this.depth === 1) this.key = undefined;
        if (c === OPEN_BRACE || c === OPEN_BRACKET) {
          this.depth += 1;
          if (c === OPEN_BRACKET && this.depth === 2 && this.key === 'items') {
            this.outside += text.slice(copyFrom, i + 1);
            copyFrom = i + 1;
            this.phase = 'items';
          }
        } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) this.depth -= 1;
        continue;
      }
      if (this.phase === 'items') {
        if (c === OPEN_BRACE || c === OPEN_BRACKET) {
          if (this.depth === 2) copyFrom = i; // an element starts
          this.depth += 1;
        } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
          this.depth -= 1;
          if (this.depth === 2) {
            this.items.push(
              JSON.parse(this.element + text.slice(copyFrom, i + 1)),
            );
            this.element = '';
            copyFrom = i + 1;
          } else if (this.depth === 1) {
            // The items array closes.
            this.outside += ']';
            copyFrom = i + 1;
            this.phase = 'after';
          }
        } else if (this.depth === 2) {
          copyFrom = i + 1; // separators and white space between elements
          if (c !== COMMA && !isSpace(c)) throw notObjects();
        }
      }
    }
    // Carry what this piece left open into the next one.
    if (this.phase === 'items') {
      if (this.depth > 2) this.element += text.slice(copyFrom);
    } else {
      this.outside += text.slice(copyFrom);
    }
    if (this.inString && this.stringStart >= 0) {
      this.lastString += text.slice(this.stringStart);
      this.stringStart = 0;
    }
  }

  /** The whole list: the body's other fields with the items parsed so far. */
  finish(): { items?: unknown[] } & Record<string, unknown> {
    if (this.phase === 'items')
      throw new SyntaxError('the list body ended inside its items');
    const rest = JSON.parse(this.outside) as Record<string, unknown>;
    return this.phase === 'before' ? rest : { ...rest, items: this.items };
  }
}
