import type { SweepProgress } from '../engine/select-model.js';
import type { CommandIo } from './terminal.js';

/** Redraws at most this often, so progress costs nothing measurable. */
const REDRAW_MS = 100;

export interface TerminalProgress {
  /** Rows read so far. */
  rowsRead(rows: number): void;
  /** EM starts done, and the start being refined on all rows (its iteration and ℓ). */
  sweep(progress: SweepProgress): void;
  /** Clears the line (if one was drawn). */
  end(): void;
  /** Runs `work` with this display, cleared when it ends, failed or not (an error's line starts clean). */
  during<T>(work: (progress: TerminalProgress) => Promise<T>): Promise<T>;
}

/**
 * A one-line progress display on stderr, redrawn in place — only on a terminal and
 * without --quiet, so logs and pipes stay clean. Call `end()` when done.
 */
export function terminalProgress(io: CommandIo, label: string, quiet: boolean): TerminalProgress {
  const off = quiet || io.stderr.isTTY !== true;
  const started = Date.now();
  let lastDraw = 0;
  let drawn = false;
  /** Shows `status` after the label, with the time since the start; `force` redraws now. */
  const update = (status: string, force = false) => {
    if (off) return;
    const now = Date.now();
    if (now - lastDraw < REDRAW_MS && !force) return;
    lastDraw = now;
    drawn = true;
    const seconds = ((now - started) / 1000).toFixed(1);
    io.stderr.write(`\r${label}: ${status} · ${seconds} s\u001b[K`);
  };
  const display: TerminalProgress = {
    // The text is made only when it will be drawn (toLocaleString loads ICU: ~25 ms).
    rowsRead(rows) {
      if (!off) update(`${rows.toLocaleString('en-US')} rows read`);
    },
    sweep(progress) {
      if (!off) update(describeSweep(progress), progress.done === progress.total);
    },
    end() {
      if (drawn) io.stderr.write('\r\u001b[K');
      drawn = false;
    },
    async during(work) {
      try {
        return await work(display);
      } finally {
        display.end();
      }
    },
  };
  return display;
}

/**
 * "searching model 3/10 · K=5 full: start 120/300", "improving 12/19 · K=5 full
 * from K=4 and K=6" (a sweep's second stage, select-model.ts), or "refining on all rows 2/30 · K=5 full ·
 * iteration 14 · ℓ −1.2345678e+7".
 */
export function describeSweep(progress: SweepProgress): string {
  const { done, total } = progress;
  const model = (task: { nComponents: number; covarianceType: string }) =>
    `K=${task.nComponents} ${task.covarianceType}`;
  if (progress.phase === 'search') {
    const counted = `${Math.min(done + 1, total)}/${total}`;
    const { task } = progress;
    if (task?.neighbours !== undefined) {
      return `improving ${counted} · ${model(task)} from K=${task.nComponents - 1} and K=${task.nComponents + 1}`;
    }
    if (task === undefined) return `searching model ${counted}`;
    if (progress.starts === undefined) return `searching model ${counted} · ${model(task)}`;
    return `searching model ${counted} · ${model(task)}: start ${progress.starts.done}/${progress.starts.total}`;
  }
  return `refining on all rows ${done}/${total} done · ${model(progress.task)} · iteration ${progress.iteration} · ℓ ${progress.logLikelihood.toPrecision(8)}`;
}
