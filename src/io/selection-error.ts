/** A problem with what the user typed (an option value): exit code 2. */
export class SelectionError extends Error {
  readonly hint: string | undefined;

  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'SelectionError';
    this.hint = hint;
  }
}
