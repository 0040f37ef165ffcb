/**
 * Free text that enters the hash-chained audit log (reasons, comments) must read back from
 * every database exactly as it was hashed. A lone UTF-16 surrogate does not survive the
 * UTF-8 round trip (it comes back as U+FFFD), PostgreSQL refuses NUL in text columns, and
 * two spellings of the same accented letter hash differently. So text is checked here:
 * well-formed UTF-16, no control characters except tab and line breaks, not only invisible
 * characters, and normalised to NFC.
 */

/** C0 controls except tab, LF and CR; DEL; C1 controls. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;

/**
 * Characters that render as nothing: white space, format characters (zero-width space and
 * joiners, BOM, bidi controls, ...) and the blank-looking fillers.
 */
const INVISIBLE =
  /[\s\p{Cf}\p{Zs}\p{Zl}\p{Zp}\u115F\u1160\u2800\u3164\uFFA0]/gu;

/** The index of the first lone surrogate, or -1. */
export function loneSurrogateIndex(value: string): number {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return i;
    }
    if (code >= 0xdc00 && code <= 0xdfff) return i;
  }
  return -1;
}

/** What is wrong with a piece of text, or undefined when it may enter the audit log as is. */
export function textProblem(value: string): string | undefined {
  const lone = loneSurrogateIndex(value);
  if (lone >= 0) return `contains a lone UTF-16 surrogate at position ${lone}`;
  const control = CONTROL.exec(value);
  if (control) {
    const code = control[0]
      .charCodeAt(0)
      .toString(16)
      .toUpperCase()
      .padStart(4, '0');
    return `contains the control character U+${code} at position ${control.index}`;
  }
  return undefined;
}

/** Whether the text has nothing visible in it (empty, white space, zero-width characters). */
export function isInvisible(value: string): boolean {
  return value.replace(INVISIBLE, '') === '';
}

export interface AuditTextOptions {
  /** Reject empty and invisible-only text (default true). */
  required?: boolean;
  /** Maximum length after normalisation (default 2000). */
  maxLength?: number;
}

/**
 * The trimmed, NFC-normalised text, or a problem naming what is wrong (without the field
 * name; callers prefix it).
 */
export function checkAuditText(
  value: string,
  options: AuditTextOptions = {},
): { ok: true; value: string } | { ok: false; message: string } {
  const problem = textProblem(value);
  if (problem) return { ok: false, message: problem };
  const normalised = value.normalize('NFC').trim();
  const required = options.required ?? true;
  if (required && normalised === '')
    return { ok: false, message: 'is required' };
  if (required && isInvisible(normalised)) {
    return { ok: false, message: 'has no visible characters' };
  }
  const maxLength = options.maxLength ?? 2000;
  if (normalised.length > maxLength) {
    return { ok: false, message: `must be at most ${maxLength} characters` };
  }
  return { ok: true, value: normalised };
}

/**
 * For text that reaches the audit log from a caller that did not check it (engine routes,
 * the evaluation loop): never rejects, but makes the text round-trip safe so the chain stays
 * verifiable. Lone surrogates and control characters become U+FFFD; the result is NFC.
 */
export function sanitizeAuditText(value: string): string {
  if (textProblem(value) === undefined) return value.normalize('NFC');
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += value[i] + value[i + 1];
        i++;
      } else {
        out += '\uFFFD';
      }
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      out += '\uFFFD';
    } else if (CONTROL.test(value[i])) {
      out += '\uFFFD';
    } else {
      out += value[i];
    }
  }
  return out.normalize('NFC');
}
