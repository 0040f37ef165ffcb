/**
 * A reason (`{ code, message }`) whose message is formatted when it is first read.
 *
 * The backend plans and decides every workload on every tick, but reads few explanations: a
 * decision row is written only when its reason codes change, and a page reads a message when a
 * person opens it. Formatting the numbers in the predictive reasons was 40% of a 10,000-workload
 * tick (bench/predictive-bench.ts), so those messages are made on demand, once.
 *
 * It behaves as a plain reason where one is read: `message` is a string, and `JSON.stringify`
 * writes `{ code, message }`. Spreading it (`{ ...reason }`) copies only `code`: copy the fields.
 * (A class, not an object literal with a getter: V8 creates those 20× slower.)
 */
export class LazyReason<Code extends string = string> {
  readonly code: Code;
  #format: (() => string) | undefined;
  #text: string | undefined;

  constructor(code: Code, format: () => string) {
    this.code = code;
    this.#format = format;
  }

  get message(): string {
    if (this.#text === undefined) {
      this.#text = this.#format!();
      this.#format = undefined;
    }
    return this.#text;
  }

  toJSON(): { code: Code; message: string } {
    return { code: this.code, message: this.message };
  }
}
