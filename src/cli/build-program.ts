import { Command, InvalidArgumentError, Option } from 'commander';
import type { AnyCommandSpec, OptionSpec } from '../commands/command-spec.js';
import { COMMANDS, PROGRAM_EXAMPLES, PROGRAM_SUMMARY } from '../commands/commands.js';
import type { CommandIo } from '../terminal/terminal.js';
import { TOOL_VERSION } from '../version.js';
import { isGmmError } from '../errors.js';

/**
 * The commander program, generated from the commands' specs (src/commands/): each
 * option table entry becomes one commander Option under its key. `state.command` is
 * set to the subcommand run, for the error prefix.
 */
export function buildProgram(
  io: CommandIo,
  state: { command: string },
  commands: readonly AnyCommandSpec[] = COMMANDS,
): Command {
  const output = {
    writeOut: (text: string) => io.stdout.write(text),
    writeErr: (text: string) => io.stderr.write(text),
    outputError: () => undefined,
  };
  const program = new Command('gmm')
    .description(PROGRAM_SUMMARY)
    .version(TOOL_VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .addHelpText('after', PROGRAM_EXAMPLES)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput(output);
  for (const spec of commands) {
    const command = program
      .command(spec.name)
      .description(spec.summary)
      .exitOverride()
      .showSuggestionAfterError(true)
      .configureOutput(output)
      .addHelpText('after', spec.examples);
    for (const [name, help] of spec.arguments) command.argument(name, help);
    for (const [key, entry] of Object.entries(spec.options)) {
      command.addOption(commanderOption(spec, key, entry));
    }
    command.action(async (...args: unknown[]) => {
      // commander passes the positional arguments, then the options, then the command.
      const positional = args.slice(0, spec.arguments.length) as (string | undefined)[];
      await spec.run(positional, command.opts(), io);
    });
  }
  program.hook('preSubcommand', (_, sub) => {
    state.command = sub.name();
  });
  return program;
}

/** One table entry as a commander Option; its long flag must name its key. */
function commanderOption(spec: AnyCommandSpec, key: string, entry: OptionSpec<unknown>): Option {
  const option = new Option(entry.flags, entry.help);
  if (option.attributeName() !== key) {
    throw new Error(`gmm ${spec.name}: option table key ${key} is not ${entry.flags}'s name`);
  }
  if (entry.default !== undefined) option.default(entry.default, entry.defaultText);
  const parse = entry.parse;
  if (parse !== undefined) {
    // A usage GmmError from a parser becomes commander's own "argument … is invalid. …".
    option.argParser((text: string, previous: unknown) => {
      try {
        return parse(text, previous);
      } catch (error) {
        if (isGmmError(error, 'usage')) throw new InvalidArgumentError(error.message);
        throw error;
      }
    });
  }
  if (entry.required === true) option.makeOptionMandatory();
  if (entry.conflicts !== undefined) option.conflicts(entry.conflicts);
  return option;
}
