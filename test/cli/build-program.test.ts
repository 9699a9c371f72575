/**
 * The commander program generated from the command specs (src/commands/): every
 * table entry becomes one option under its key, typed values come from the entry's
 * parser, and an entry whose long flag does not name its key is refused.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/build-program.js';
import { defineCommand } from '../../src/commands/command-spec.js';
import { COMMANDS } from '../../src/commands/commands.js';
import { parsePositiveInteger } from '../../src/commands/option-parsers.js';
import type { CommandIo } from '../../src/terminal/terminal.js';

function quietIo(): CommandIo {
  const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() });
  return { stdout: sink(), stderr: sink(), env: {}, stdinIsTTY: true };
}

describe('the program built from the specs', () => {
  const program = buildProgram(quietIo(), { command: '' });

  it('has each command once, in the specs’ order', () => {
    expect(program.commands.map((c) => c.name())).toEqual(COMMANDS.map((c) => c.name));
    expect(COMMANDS.map((c) => c.name)).toEqual([
      'fit',
      'select-k',
      'predict',
      'score',
      'sample',
      'sql',
    ]);
  });

  it('gives every command exactly the options of its table, each flag once', () => {
    for (const spec of COMMANDS) {
      const command = program.commands.find((c) => c.name() === spec.name)!;
      const keys = command.options.map((o) => o.attributeName());
      expect(keys.sort()).toEqual(Object.keys(spec.options).sort());
      const flags = command.options.flatMap((o) => [o.short, o.long].filter(Boolean));
      expect(new Set(flags).size).toBe(flags.length);
    }
  });

  it('declares a shared option once: --missing and -q read the same wherever they appear', () => {
    const help = (name: string, flag: string) =>
      program.commands.find((c) => c.name() === name)!.options.find((o) => o.long === flag)
        ?.description;
    for (const flag of ['--missing', '--quiet', '--verbose']) {
      const texts = new Set(
        COMMANDS.map((c) => help(c.name, flag)).filter((text) => text !== undefined),
      );
      expect(texts.size).toBe(1);
    }
  });

  it('parses typed values through the entry’s parser, and its defaults', async () => {
    let seen: Record<string, unknown> | undefined;
    const spec = defineCommand<{ count: number; name: string | undefined; quiet: boolean }>({
      name: 'try',
      summary: 'a test command',
      arguments: [],
      options: {
        count: { flags: '--count <n>', help: 'a count', default: 3, parse: parsePositiveInteger },
        name: { flags: '--name <text>', help: 'a name' },
        quiet: { flags: '-q, --quiet', help: 'quiet', default: false },
      },
      examples: '',
      run: async (_, options) => {
        seen = options;
      },
    });
    const own = buildProgram(quietIo(), { command: '' }, [spec]);
    await own.parseAsync(['try', '--count', '7'], { from: 'user' });
    expect(seen).toEqual({ count: 7, quiet: false });
    await expect(
      buildProgram(quietIo(), { command: '' }, [spec]).parseAsync(['try', '--count', '0'], {
        from: 'user',
      }),
    ).rejects.toThrow(
      "option '--count <n>' argument '0' is invalid. give a whole number of 1 or more.",
    );
  });

  it('refuses a table whose key is not its flag’s name', () => {
    const spec = defineCommand<{ plotCols: string | undefined }>({
      name: 'bad',
      summary: 'a table with a wrong key',
      arguments: [],
      options: { plotCols: { flags: '--plot-col <list>', help: 'misnamed' } },
      examples: '',
      run: async () => {},
    });
    expect(() => buildProgram(quietIo(), { command: '' }, [spec])).toThrow(
      /option table key plotCols is not --plot-col <list>'s name/,
    );
  });
});
