/**
 * An error a person can act on: the message names what is wrong (file, line, column,
 * value), `hint` what to do about it. Each layer has its own subclass, which decides
 * the exit code (see cli/report-error.ts).
 */
export class HintedError extends Error {
  readonly hint: string | undefined;

  constructor(message: string, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.hint = hint;
  }
}
