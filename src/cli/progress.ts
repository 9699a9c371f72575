import type { CommandIo } from './terminal.js';

/** A progress callback: how many of the total units are done. */
export type ProgressCallback = (done: number, total: number) => void;

/** Redraws at most this often, so progress costs nothing measurable. */
const REDRAW_MS = 100;

/**
 * A one-line progress display on stderr, redrawn in place — only on a terminal and
 * without --quiet, so logs and pipes stay clean. Call the result's `end()` when done.
 */
export function terminalProgress(
  io: CommandIo,
  label: string,
  quiet: boolean,
): { update: ProgressCallback; end: () => void } {
  if (quiet || io.stderr.isTTY !== true) return { update: () => undefined, end: () => undefined };
  const started = Date.now();
  let lastDraw = 0;
  let drawn = false;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - lastDraw < REDRAW_MS && done < total) return;
      lastDraw = now;
      drawn = true;
      const seconds = ((now - started) / 1000).toFixed(1);
      io.stderr.write(
        `\r${label}: ${done}/${total} (${Math.floor((100 * done) / total)}%) · ${seconds} s\u001b[K`,
      );
    },
    end() {
      if (drawn) io.stderr.write('\r\u001b[K');
    },
  };
}
