/**
 * The command line that made an output, as a person would type it again: `gmm` and
 * its arguments, each quoted for a POSIX shell when it needs to be.
 */
const PLAIN = /^[A-Za-z0-9_\-.,/:=@%+]+$/;

export function shellQuote(argument: string): string {
  return PLAIN.test(argument) ? argument : `'${argument.replace(/'/g, `'\\''`)}'`;
}

/** `gmm fit data.csv -k 3 …` from the arguments after `gmm`. */
export function commandLine(argv: readonly string[]): string {
  return ['gmm', ...argv.map(shellQuote)].join(' ');
}
