import { Chalk, type ChalkInstance } from 'chalk';
import { visibleText } from '../io/visible-text.js';

/** Where a command writes, and whether people or programs read it. */
export interface CommandIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  /** Standard input is a terminal: nothing is piped in. */
  readonly stdinIsTTY: boolean;
  /** The arguments gmm was run with (after `gmm`), for outputs that record their command line. */
  readonly argv?: readonly string[];
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function chalkFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): ChalkInstance {
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  return new Chalk({ level: stream.isTTY === true && !noColor ? 1 : 0 });
}

/** A one-line remark on stderr ("gmm fit: warning: …"), control characters made visible. */
export function writeNote(
  io: CommandIo,
  command: string,
  kind: 'note' | 'warning',
  text: string,
): void {
  const chalk = chalkFor(io.stderr, io.env);
  const label = kind === 'warning' ? chalk.yellow('warning') : 'note';
  io.stderr.write(`gmm ${command}: ${label}: ${visibleText(text)}\n`);
}
