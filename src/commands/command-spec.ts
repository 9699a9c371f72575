import type { CommandIo } from '../terminal/terminal.js';

/**
 * One option of a command: its flags, its help, and how its text becomes the typed
 * value. The long flag, camel-cased as commander does (`--plot-cols` → plotCols), is the
 * key the entry sits under; src/cli/build-program.ts refuses a table where it is not.
 */
export interface OptionSpec<T> {
  /** commander's flags, e.g. '-k, --components <k>'; a flag without <value> is a switch. */
  readonly flags: string;
  readonly help: string;
  /**
   * Text → value, given the value so far (for repeatable options). Throws a usage
   * GmmError naming what is wanted. Without it the value is the text as given.
   */
  readonly parse?: (text: string, previous: T) => T;
  readonly default?: T;
  /** How --help shows the default, when that is not its value (e.g. "the number of cores"). */
  readonly defaultText?: string;
  readonly required?: boolean;
  /** The key of an option this one cannot be given with. */
  readonly conflicts?: string;
}

/**
 * Every key of the options type O needs an entry, typed by that key's value: the
 * compiler checks the table against the type the command's run() receives (the pattern
 * of vitest's `cliOptionsConfig: CLIOptions<CliOptions>`).
 */
export type OptionTable<O> = { readonly [K in keyof O]-?: OptionSpec<O[K]> };

/** A command: what --help shows (its arguments, options and examples) and what it runs. */
export interface CommandSpec<O> {
  readonly name: string;
  readonly summary: string;
  /** Positional arguments in order, as commander writes them ('<model>', '[file]'), with help. */
  readonly arguments: readonly (readonly [name: string, help: string])[];
  readonly options: OptionTable<O>;
  readonly examples: string;
  readonly run: (args: readonly (string | undefined)[], options: O, io: CommandIo) => Promise<void>;
}

/** The commands gmm has, in the order --help lists them (their option types erased). */
export type AnyCommandSpec = CommandSpec<Record<string, unknown>>;

/** A command spec typed by its own options, erased for the list the program is built from. */
export function defineCommand<O>(spec: CommandSpec<O>): AnyCommandSpec {
  return spec as unknown as AnyCommandSpec;
}
