// gmm benchmarks: `npm run bench` (builds, then runs this file).
//
//   BENCH_QUICK=1   a short smoke run (smaller sizes, fewer repeats; targets only indicative)
//   BENCH_ONLY=a,e  run only these scenarios (letters or names below)
//
// Scenarios (targets from the performance issue):
//   a mall       Mall end to end: `gmm fit` process wall time, without / with --plot; --help
//   b iteration  one EM iteration, n=1e6, d=5, K=8, full: engine vs scikit-learn
//   c iteration-d20  one EM iteration, n=2e5, d=20, K=8, full: engine vs scikit-learn
//   d csv        10M×5 CSV: parse to Float64Array (MB/s), and a K=8 fit's peak RSS
//   e select-k   `gmm select-k -k 1..10 --covariance sklearn` on 1e5×5 vs a scikit-learn loop
//   f scaling    (b) at n=1e5 and 1e6: does 10× rows cost 10× ± 20% time?
//   k missing    `gmm fit -k 4 --missing em` on 1M×5 with 5% of cells missing vs the complete file
//   j mclust     14 models × G=1..9 on faithful: `gmm select-k --covariance all` vs `Mclust(faithful)` (R)
//
// Every gmm and scikit-learn number is measured in this run, in child processes, so
// ratios compare like with like on the same machine at the same moment. The exit
// status is always 0: a failed scenario is printed, never fatal. Not part of the tests.
import { Buffer } from 'node:buffer';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH_DIR, '..');
const GMM = join(ROOT, 'bin', 'gmm.js');
/** Debian's python3 (python3-sklearn), not a pyenv one; BENCH_PYTHON overrides it. */
const PYTHON = process.env.BENCH_PYTHON || '/usr/bin/python3';
const SKLEARN_SCRIPT = join(BENCH_DIR, 'sklearn_bench.py');
const ENGINE_SCRIPT = join(BENCH_DIR, 'engine_iteration.mjs');
const TIME = '/usr/bin/time';

const QUICK = /^(1|true|yes|on)$/i.test(process.env.BENCH_QUICK ?? '');

/** Sizes and repeats: the full run (~6–8 minutes on 2 cores) and the smoke run (~1–2). */
const CONFIG = QUICK
  ? {
      mallRuns: 3,
      iterationB: 100_000,
      iterationC: 20_000,
      csvRows: 1_000_000,
      csvTimeoutS: 120,
      selectRows: 10_000,
      scaling: [10_000, 100_000],
      sklearnRepeats: 1,
      highDRows: 5_000,
      autoKRows: 100_000,
    }
  : {
      mallRuns: 5,
      iterationB: 1_000_000,
      iterationC: 200_000,
      csvRows: 10_000_000,
      csvTimeoutS: 300,
      selectRows: 100_000,
      scaling: [100_000, 1_000_000],
      sklearnRepeats: 3,
      highDRows: 20_000,
      autoKRows: 1_000_000,
    };

// ---------------------------------------------------------------- helpers

/** The data generator imports dist/: loaded lazily so a missing build fails a scenario, not the run. */
async function ensureCsv(...args) {
  const generator = await import('./generate.mjs');
  return generator.ensureCsv(...args);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function formatSeconds(s) {
  if (s === undefined || s === null || !Number.isFinite(s)) return '—';
  if (s < 1e-3) return `${(s * 1e6).toFixed(0)} µs`;
  if (s < 1) return `${(s * 1e3).toFixed(s < 0.1 ? 1 : 0)} ms`;
  if (s < 100) return `${s.toFixed(2)} s`;
  return `${s.toFixed(0)} s`;
}
const formatRatio = (r) =>
  r === undefined || !Number.isFinite(r) ? '—' : r.toFixed(r < 10 ? 2 : 1);
const formatBytes = (b) =>
  b >= 1e9
    ? `${(b / 1e9).toFixed(2)} GB`
    : b >= 1e7
      ? `${(b / 1e6).toFixed(0)} MB`
      : `${(b / 1e6).toFixed(1)} MB`;
const formatRows = (n) =>
  n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : `${n}`;

/** A plain text table: first row is the header. */
function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  const line = (r) =>
    '  ' +
    r
      .map((cell, c) => String(cell).padEnd(widths[c]))
      .join('  ')
      .trimEnd();
  const rule = '  ' + widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(rows[0]), rule, ...rows.slice(1).map(line)].join('\n');
}

const verdict = (met) => (met === undefined ? '' : met ? 'target met' : 'target missed');
const quickNote = (text) => (QUICK && text ? `${text} (quick sizes)` : text);

/** Children this run started (process-group ids), killed if the bench is interrupted. */
const running = new Set();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const pid of running) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (runDir) rmSync(runDir, { recursive: true, force: true });
    console.log(`\nbench interrupted (${signal})`);
    process.exit(0);
  });
}

/**
 * Runs a command in its own process group; resolves with its output, exit and wall
 * time (hrtime from spawn to exit). On timeout the whole group is killed.
 */
function runChild(command, args, { timeoutS = 600, env = process.env, cwd = ROOT } = {}) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, {
      cwd,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child.pid);
    const out = [];
    const err = [];
    let errBytes = 0;
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => {
      // keep the head and the tail of long stderr (an OOM trace is long)
      errBytes += chunk.length;
      err.push(chunk);
      if (err.length > 200) err.splice(20, err.length - 180);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutS * 1000);
    const finish = (code, signal, spawnError) => {
      clearTimeout(timer);
      running.delete(child.pid);
      resolve({
        code,
        signal,
        timedOut,
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        stderrBytes: errBytes,
        spawnError,
      });
    };
    child.on('error', (error) => finish(null, null, error));
    child.on('close', (code, signal) => finish(code, signal));
  });
}

/** A one-line reason for a failed child run. */
function failureOf(result, timeoutS) {
  if (result.spawnError) return `could not start: ${result.spawnError.message}`;
  if (result.timedOut) return `timed out after ${timeoutS} s (killed)`;
  if (/heap out of memory|Reached heap limit/i.test(result.stderr)) {
    return `ran out of memory (V8 heap limit) after ${formatSeconds(result.seconds)}`;
  }
  const lines = result.stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !/^Node\.js v\d/.test(line) && !/^at /.test(line) && line !== '^');
  const telling =
    lines.find((line) => /\b\w*Error\b|^gmm [\w-]+:/.test(line)) ?? lines[lines.length - 1] ?? '';
  const how = result.signal ? `signal ${result.signal}` : `exit ${result.code}`;
  return `${how} after ${formatSeconds(result.seconds)}${telling ? `: ${telling.slice(0, 200)}` : ''}`;
}

function ok(result) {
  return !result.spawnError && !result.timedOut && result.code === 0;
}

/** The last line of stdout that parses as JSON. */
function lastJson(stdout) {
  const lines = stdout.trim().split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      return JSON.parse(lines[i]);
    } catch {
      // not JSON
    }
  }
  throw new Error('no JSON in output');
}

// ---------------------------------------------------------------- environment

/**
 * Python's environment, for the scikit-learn peer only (never the tests): Debian's
 * OpenBLAS 0.3.21 can take this machine's CPU for a Prescott and run GEMM at a sixth of
 * its speed, so the kernel is named outright (SkylakeX), and an inherited
 * OPENBLAS_L2_SIZE is dropped. The header prints the kernel threadpoolctl says ran.
 */
const OPENBLAS_CORETYPE = 'SkylakeX';
function pythonEnv() {
  const env = { ...process.env, OPENBLAS_CORETYPE };
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

let sklearnInfo; // undefined: not probed yet; null: unavailable
let sklearnReason = '';
async function sklearn() {
  if (sklearnInfo !== undefined) return sklearnInfo;
  if (!existsSync(PYTHON)) {
    sklearnInfo = null;
    sklearnReason = `${PYTHON} not found`;
    return null;
  }
  const result = await runChild(PYTHON, [SKLEARN_SCRIPT, 'info'], {
    env: pythonEnv(),
    timeoutS: 60,
  });
  if (!ok(result)) {
    sklearnInfo = null;
    sklearnReason = failureOf(result, 60);
    return null;
  }
  sklearnInfo = lastJson(result.stdout);
  return sklearnInfo;
}

function gitDescription() {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  if (head.status !== 0) return 'not a git checkout';
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return `${head.stdout.trim()}${dirty.stdout.trim() ? ' + uncommitted changes' : ''}`;
}

async function printEnvironment() {
  const load = loadavg().map((x) => x.toFixed(2));
  console.log(
    `gmm benchmarks${QUICK ? ' — QUICK smoke run (BENCH_QUICK=1): small sizes, targets indicative only' : ''}`,
  );
  console.log(
    `  node ${process.version} · ${cpus()[0]?.model ?? 'cpu'} · ${cpus().length} cores · ${formatBytes(totalmem())} RAM`,
  );
  console.log(`  load average ${load.join(' ')} (other busy processes make every number noisier)`);
  console.log(`  code: ${gitDescription()} · data cache: ${join(tmpdir(), 'gmm-bench')}`);
  const info = await sklearn();
  if (info === null) {
    console.log(`  scikit-learn: unavailable (${sklearnReason}) — sklearn skipped`);
  } else {
    const pools = (info.threadpools ?? [])
      .map(
        (p) =>
          `${p.api ?? p.library}${p.version ? ' ' + p.version : ''}${p.architecture ? ' (' + p.architecture + ')' : ''} ${p.threads} threads`,
      )
      .join(', ');
    console.log(
      `  scikit-learn ${info.sklearn} · numpy ${info.numpy} · ${info.threadpools === null ? 'threadpoolctl unavailable' : pools || 'no thread pools reported'}`,
    );
    console.log(
      `  (python runs with OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE} and OPENBLAS_L2_SIZE unset)`,
    );
  }
  console.log(
    `  pick scenarios with BENCH_ONLY=a,b,… (${SCENARIOS.map((s) => `${s.id} ${s.name}`).join(', ')})`,
  );
}

// ---------------------------------------------------------------- shared measurements

/** gmm engine iterations already measured in this run, by "n:d:K". */
const engineCache = new Map();

/** `files`: { raw, params } to write the data for python; fresh: measure even if cached. */
async function engineIteration(n, d, K, files = {}, covariance = 'full') {
  const key = `${n}:${d}:${K}:${covariance}`;
  if (engineCache.has(key) && !files.raw && !files.fresh) return engineCache.get(key);
  // more timed iterations when one is short, so the median is stable
  const iterations = Math.max(5, Math.min(50, Math.round(2e6 / n)));
  const args = [
    ENGINE_SCRIPT,
    '--n',
    n,
    '--d',
    d,
    '--k',
    K,
    '--iterations',
    iterations,
    '--covariance',
    covariance,
  ].map(String);
  if (files.raw) args.push('--raw', files.raw, '--params', files.params);
  const result = await runChild(process.execPath, args, { timeoutS: 600 });
  if (!ok(result))
    throw new Error(`gmm engine iteration (n=${n}, d=${d}): ${failureOf(result, 600)}`);
  const measured = { ...lastJson(result.stdout), iterations };
  engineCache.set(key, measured);
  return measured;
}

const sklearnCache = new Map();

/** scikit-learn's per-iteration time on the raw file; null when sklearn is unavailable. */
async function sklearnIteration(n, d, K, files, covariance = 'full') {
  if ((await sklearn()) === null) return null;
  const key = `${n}:${d}:${K}:${covariance}`;
  if (sklearnCache.has(key)) return sklearnCache.get(key);
  const args = [SKLEARN_SCRIPT, 'iteration', '--raw', files.raw, '--params', files.params];
  args.push(
    '--n',
    String(n),
    '--d',
    String(d),
    '--repeats',
    String(CONFIG.sklearnRepeats),
    '--iters',
    '10',
    '--covariance',
    covariance,
  );
  const result = await runChild(PYTHON, args, { env: pythonEnv(), timeoutS: 900 });
  if (!ok(result))
    throw new Error(`scikit-learn iteration (n=${n}, d=${d}): ${failureOf(result, 900)}`);
  const measured = lastJson(result.stdout);
  sklearnCache.set(key, measured);
  return measured;
}

/** Both sides of one EM iteration on the same data (the engine child writes it for python). */
async function iterationPair(n, d, K, covariance = 'full') {
  const files = {
    raw: join(runDir, `x-${n}-${d}-${K}.f64`),
    params: join(runDir, `mixture-${n}-${d}-${K}-${covariance}.json`),
  };
  const gmm = await engineIteration(n, d, K, files, covariance);
  let sk = null;
  let skError;
  try {
    sk = await sklearnIteration(n, d, K, files, covariance);
  } catch (error) {
    skError = error.message;
  }
  rmSync(files.raw, { force: true });
  return { gmm, sk, skError };
}

// ---------------------------------------------------------------- scenarios

/** Tied and full EM iterations at d = 13 and 30 (the wine and breast-cancer widths). */
async function scenarioHighD() {
  const rows = [];
  const notes = [];
  for (const d of [13, 30]) {
    for (const covariance of ['tied', 'full']) {
      const n = CONFIG.highDRows;
      const { gmm, sk, skError } = await iterationPair(n, d, 8, covariance);
      const ratio = sk ? gmm.perIteration / sk.perIteration : undefined;
      rows.push({
        measure: `one EM iteration, n=${formatRows(n)} d=${d} K=8 ${covariance}`,
        gmm: formatSeconds(gmm.perIteration),
        sklearn: sk ? formatSeconds(sk.perIteration) : skError ? 'failed' : 'sklearn skipped',
        ratio: formatRatio(ratio),
        target: 'gmm/sklearn ≤ 1.5',
        met: ratio === undefined ? undefined : ratio <= 1.5,
      });
      if (skError) notes.push(`sklearn d=${d} ${covariance} failed: ${skError}`);
    }
  }
  notes.push(
    'gmm: engine in-process, single thread; tied projects each row once (d²/2) and gathers one total scatter, full takes K triangular solves',
  );
  return { rows, notes };
}

/** The E-step kernel as WebAssembly against its JavaScript twin (bench/wasm_kernel.mjs). */
async function scenarioWasmKernel() {
  const rows = [];
  const notes = [];
  const result = await runChild(process.execPath, [join(BENCH_DIR, 'wasm_kernel.mjs')], {
    timeoutS: 300,
  });
  if (!ok(result)) {
    rows.push({
      measure: 'E-step kernels',
      gmm: `failed: ${failureOf(result, 300)}`,
      failed: true,
    });
    return { rows, notes };
  }
  for (const line of result.stdout.trim().split('\n')) {
    const c = JSON.parse(line);
    rows.push({
      measure: `E-step kernel n=${formatRows(c.n)} d=${c.d} K=${c.K} ${c.shape}`,
      gmm: formatSeconds(c.wasmMs / 1000),
      sklearn: `${formatSeconds(c.jsMs / 1000)} (JavaScript)`,
      ratio: formatRatio(c.wasmMs / c.jsMs),
      target: c.same ? 'same bits: yes' : 'same bits: NO',
      met: c.same,
      peer: 'JavaScript',
    });
  }
  notes.push('per call, gathering the M-step sums (what EM calls); best of 5 rounds');
  return { rows, notes };
}

/** gmm fit with K left to BIC (1..10) on a million rows of four well-separated blobs. */
async function scenarioAutoK() {
  const rowsCount = CONFIG.autoKRows;
  const { path } = await ensureCsv(rowsCount, 5, 4, 3, 8);
  const run = async (extra) => {
    const result = await runChild(
      process.execPath,
      [GMM, 'fit', path, '-q', '--format', 'json', ...extra],
      { timeoutS: 900 },
    );
    if (!ok(result)) throw new Error(`gmm fit ${extra.join(' ')}: ${failureOf(result, 900)}`);
    return { seconds: result.seconds, summary: JSON.parse(result.stdout) };
  };
  const auto = await run([]);
  const fixed = await run(['-k', '4']);
  const chosen = auto.summary.nComponents;
  const same = auto.summary.logLikelihood === fixed.summary.logLikelihood;
  return {
    rows: [
      {
        measure: `gmm fit, K by BIC over 1..10, ${formatRows(rowsCount)}×5 rows, 4 blobs`,
        gmm: formatSeconds(auto.seconds),
        target: '≤ 60 s, picks K=4',
        met: auto.seconds <= 60 && chosen === 4,
        note: `picked K=${chosen}, ℓ ${auto.summary.logLikelihood}`,
      },
      {
        measure: '  the same with -k 4',
        gmm: formatSeconds(fixed.seconds),
        target: 'same ℓ as the auto-K fit',
        met: same,
        note: `ℓ ${fixed.summary.logLikelihood}`,
      },
    ],
    notes: [
      'wall time of node bin/gmm.js, CSV read included; the data: bench/generate.mjs --components 4 --spread 8 --seed 3',
    ],
  };
}

/**
 * --missing em: the auto-K data (4 blobs) with 5% of cells emptied at random (a
 * fixed LCG; a row keeps at least one cell), fitted at K=4 with --missing em, against
 * the complete file. Goal from #13: at most twice the complete-data fit's time.
 */
async function scenarioMissing() {
  const rowsCount = CONFIG.autoKRows;
  const { path } = await ensureCsv(rowsCount, 5, 4, 3, 8);
  const holes = path.replace(/\.csv$/, '-missing5.csv');
  if (!existsSync(holes)) {
    let state = 13;
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    const out = [lines[0]];
    for (let i = 1; i < lines.length; i++) {
      const cells = lines[i].split(',');
      let kept = 0;
      const emptied = cells.map((cell) => {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        if (state / 2 ** 32 < 0.05) return '';
        kept++;
        return cell;
      });
      if (kept === 0) emptied[0] = cells[0];
      out.push(emptied.join(','));
    }
    writeFileSync(`${holes}.partial`, `${out.join('\n')}\n`);
    renameSync(`${holes}.partial`, holes);
  }
  const run = async (file, extra) => {
    const result = await runChild(
      process.execPath,
      [GMM, 'fit', file, '-k', '4', '-q', '--format', 'json', ...extra],
      { timeoutS: 900 },
    );
    if (!ok(result)) throw new Error(`gmm fit ${extra.join(' ')}: ${failureOf(result, 900)}`);
    return { seconds: result.seconds, summary: JSON.parse(result.stdout) };
  };
  const complete = await run(path, []);
  const missing = await run(holes, ['--missing', 'em']);
  const ratio = missing.seconds / complete.seconds;
  return {
    rows: [
      {
        measure: `gmm fit -k 4, ${formatRows(rowsCount)}×5 rows, complete`,
        gmm: formatSeconds(complete.seconds),
        target: '',
        met: undefined,
        note: `ℓ ${complete.summary.logLikelihood}`,
      },
      {
        measure: '  the same with 5% of cells missing, --missing em',
        gmm: formatSeconds(missing.seconds),
        target: '≤ 2× the complete fit',
        met: ratio <= 2,
        note: `${ratio.toFixed(2)}× · ℓ ${missing.summary.logLikelihood} (observed cells)`,
      },
    ],
    notes: ["wall time of node bin/gmm.js, CSV read included; the auto-k scenario's data"],
  };
}

/** bench/search_quality.mjs: best-known-optimum hits on the public data sets. */
async function scenarioSearchQuality() {
  const args = [join(ROOT, 'bench', 'search_quality.mjs')];
  if (process.env.BENCH_QUICK === '1') args.push('--scale', 'standard');
  const result = await runChild(process.execPath, args, { timeoutS: 1800 });
  if (!ok(result)) throw new Error(`search_quality: ${failureOf(result, 1800)}`);
  const lines = result.stdout.trim().split('\n');
  const all = lines.find((l) => l.startsWith('all:')) ?? '';
  return {
    rows: [{ measure: 'cells reaching the best known ℓ (sklearn, mclust)', gmm: all.slice(5) }],
    notes: lines.filter((l) => !l.startsWith('all:')),
  };
}

async function scenarioMall() {
  const file = join(ROOT, 'fixtures', 'mall_customers.csv');
  const base = ['fit', file, '--cols', 'income,score', '-k', '5'];
  const plot = join(runDir, 'p.svg');
  const variants = [
    { label: 'fit -k 5 (no plot)', args: base, target: 0.25 },
    { label: 'fit -k 5 --plot p.svg', args: [...base, '--plot', plot], target: 0.4 },
    { label: '--help (start-up)', args: ['--help'] },
  ];
  const rows = [];
  for (const variant of variants) {
    const warm = await runChild(process.execPath, [GMM, ...variant.args], { timeoutS: 120 });
    if (!ok(warm)) {
      rows.push({
        measure: variant.label,
        gmm: `failed: ${failureOf(warm, 120)}`,
        target: variant.target === undefined ? '' : `≤ ${variant.target} s`,
        met: variant.target === undefined ? undefined : false,
        failed: true,
      });
      continue;
    }
    const times = [];
    for (let i = 0; i < CONFIG.mallRuns; i++) {
      const result = await runChild(process.execPath, [GMM, ...variant.args], { timeoutS: 120 });
      if (!ok(result)) throw new Error(`${variant.label}: ${failureOf(result, 120)}`);
      times.push(result.seconds);
    }
    const t = median(times);
    rows.push({
      measure: `${variant.label}, median of ${times.length}`,
      gmm: formatSeconds(t),
      target: variant.target === undefined ? '' : `≤ ${variant.target} s`,
      met: variant.target === undefined ? undefined : t <= variant.target,
      note: `runs ${times.map((x) => formatSeconds(x)).join(', ')}`,
    });
  }
  return {
    rows,
    notes: [
      'process wall time (spawn → exit) of node bin/gmm.js; one warm-up run each, not counted',
    ],
  };
}

function iterationScenario(n, d, K, target) {
  return async () => {
    const { gmm, sk, skError } = await iterationPair(n, d, K);
    const ratio = sk ? gmm.perIteration / sk.perIteration : undefined;
    const rows = [
      {
        measure: `one EM iteration, n=${formatRows(n)} d=${d} K=${K} full`,
        gmm: formatSeconds(gmm.perIteration),
        sklearn: sk ? formatSeconds(sk.perIteration) : skError ? 'failed' : 'sklearn skipped',
        ratio: formatRatio(ratio),
        target: `gmm/sklearn ≤ ${target}`,
        met: ratio === undefined ? undefined : ratio <= target,
      },
    ];
    if (gmm.perIterationThreaded !== undefined) {
      const threadedRatio = sk ? gmm.perIterationThreaded / sk.perIteration : undefined;
      rows.push({
        measure: `  same, E-step blocks on ${gmm.threads} worker threads`,
        gmm: formatSeconds(gmm.perIterationThreaded),
        sklearn: sk ? formatSeconds(sk.perIteration) : '',
        ratio: formatRatio(threadedRatio),
        target: `gmm/sklearn ≤ ${target}`,
        met: threadedRatio === undefined ? undefined : threadedRatio <= target,
      });
    }
    const notes = [
      `gmm: engine in-process (single thread), median of ${gmm.iterations} iterations after 1 warm-up: ` +
        `precision ${formatSeconds(gmm.precision)} + E-step ${formatSeconds(gmm.eStep)} + M-step ${formatSeconds(gmm.mStep)}; ` +
        `${(100 * gmm.nonZeroResponsibilities).toFixed(0)}% of responsibilities non-zero`,
    ];
    if (sk) {
      notes.push(
        `sklearn: (fit max_iter=11 − fit max_iter=1)/10, tol=0, n_init=1, same start (true mixture); ` +
          `fit(1) ${sk.fit1.map((x) => formatSeconds(x)).join(', ')} · fit(11) ${sk.fitLong.map((x) => formatSeconds(x)).join(', ')}`,
      );
    } else if (skError) {
      notes.push(`sklearn failed: ${skError}`);
    }
    return { rows, notes };
  };
}

async function scenarioCsv() {
  const notes = [];
  const rows = CONFIG.csvRows;
  const generated = await ensureCsv(rows, 5);
  notes.push(
    generated.reused
      ? `${formatRows(rows)}×5 CSV reused: ${generated.path} (${formatBytes(generated.bytes)})`
      : `${formatRows(rows)}×5 CSV generated in ${formatSeconds(generated.seconds)}: ${generated.path} (${formatBytes(generated.bytes)})`,
  );
  const table = [];

  // The parse alone: bytes → the n×5 Float64Array the engine fits, in gmm's reader.
  const parse = await runChild(
    process.execPath,
    [join(BENCH_DIR, 'parse_csv.mjs'), generated.path],
    {
      timeoutS: CONFIG.csvTimeoutS,
    },
  );
  const parsed = ok(parse) ? JSON.parse(parse.stdout.trim().split('\n').pop()) : undefined;
  if (parsed === undefined) {
    table.push({
      measure: `parse ${formatRows(rows)}×5 CSV → Float64Array`,
      gmm: `FAILED: ${failureOf(parse, CONFIG.csvTimeoutS)}`,
      target: '≥ 100 MB/s',
      met: false,
      failed: true,
    });
  } else {
    const mbps = parsed.bytes / 1e6 / parsed.seconds;
    table.push({
      measure: `parse ${formatRows(rows)}×5 CSV (${formatBytes(parsed.bytes)}) → Float64Array`,
      gmm: `${mbps.toFixed(1)} MB/s · ${formatSeconds(parsed.seconds)} · peak RSS ${formatBytes(parsed.maxRssBytes)}`,
      target: '≥ 100 MB/s',
      met: mbps >= 100,
    });
  }

  // A whole fit with K = 8 on the same file: peak RSS (and time) of the process.
  const args = [GMM, 'fit', generated.path, '-k', '8', '--n-init', '1', '--max-iter', '5', '-q'];
  let result;
  let rss;
  let rssHow;
  if (existsSync(TIME)) {
    const report = join(runDir, `time-fit-${rows}.txt`);
    result = await runChild(TIME, ['-f', '%e %M', '-o', report, process.execPath, ...args], {
      timeoutS: CONFIG.csvTimeoutS,
    });
    if (existsSync(report)) {
      const lines = readFileSync(report, 'utf8').trim().split('\n');
      const match = /^([\d.]+) (\d+)$/.exec(lines[lines.length - 1] ?? '');
      if (match) rss = Number(match[2]) * 1024;
    }
    rssHow = '/usr/bin/time';
  } else {
    result = await runChild(process.execPath, [join(BENCH_DIR, 'max-rss.mjs'), ...args.slice(1)], {
      timeoutS: CONFIG.csvTimeoutS,
    });
    const match = /max-rss-bytes (\d+)/.exec(result.stderr);
    if (match) rss = Number(match[1]);
    rssHow = 'process.resourceUsage() in a wrapper';
  }
  const label = `gmm fit ${formatRows(rows)}×5 CSV -k 8 --n-init 1 --max-iter 5 (whole process)`;
  if (!ok(result)) {
    table.push({
      measure: label,
      gmm: `FAILED: ${failureOf(result, CONFIG.csvTimeoutS)}${rss === undefined ? '' : `, peak RSS ${formatBytes(rss)}`}`,
      target: '< 1.5 GB RSS',
      met: false,
      failed: true,
    });
  } else {
    table.push({
      measure: label,
      gmm: `${formatSeconds(result.seconds)} · ${rss === undefined ? 'RSS unavailable' : `peak RSS ${formatBytes(rss)}`}`,
      target: '< 1.5 GB RSS',
      met: rss === undefined ? undefined : rss < 1.5e9,
    });
  }
  notes.push(
    "parse: in-process time of gmm's CSV reader (bytes read, checked, scanned, numbers into one growable SharedArrayBuffer); " +
      `fit RSS by ${rssHow}. The labelled CSV is written by reading the input again, so it adds no memory.`,
  );
  return { rows: table, notes };
}

async function scenarioSelectK() {
  const n = CONFIG.selectRows;
  const { path, bytes, reused } = await ensureCsv(n, 5);
  const notes = [
    `data: ${formatRows(n)}×5 CSV (${formatBytes(bytes)}${reused ? ', reused' : ''}), K = 1..10 × full, tied, diag, spherical, 3 starts each`,
  ];
  // scikit-learn first, with its default stopping rule (tol=1e-3 on the mean per-row
  // lower bound, max_iter=100); gmm then gets the same rule in its own terms:
  // |Δℓ|/(1+|ℓ|) < tol  ⇔  |Δ mean ℓ| < tol·(1/n + |mean ℓ|).
  const SK_TOL = 1e-3;
  const MAX_ITER = 100;
  let sk = null;
  let skResult;
  let skError;
  if ((await sklearn()) !== null) {
    const args = [
      SKLEARN_SCRIPT,
      'selectk',
      '--csv',
      path,
      '--kmin',
      '1',
      '--kmax',
      '10',
      '--n-init',
      '3',
    ];
    args.push('--tol', String(SK_TOL), '--max-iter', String(MAX_ITER));
    skResult = await runChild(PYTHON, args, { env: pythonEnv(), timeoutS: 900 });
    if (ok(skResult)) sk = lastJson(skResult.stdout);
    else skError = failureOf(skResult, 900);
  }
  const meanLogLikelihood = sk?.best?.meanLogLikelihood;
  const gmmTol =
    meanLogLikelihood === undefined ? 2e-4 : SK_TOL / (1 / n + Math.abs(meanLogLikelihood));
  const tolText = gmmTol.toPrecision(2);
  const args = [GMM, 'select-k', path, '-k', '1..10', '--covariance', 'sklearn', '--n-init', '3'];
  args.push('--max-iter', String(MAX_ITER), '--tol', tolText, '--format', 'json', '-q');
  const result = await runChild(process.execPath, args, { timeoutS: 900 });
  if (!ok(result)) throw new Error(`gmm select-k: ${failureOf(result, 900)}`);
  const report = JSON.parse(result.stdout);
  const best = report.cells[report.best];
  const gmmIterations = report.cells.reduce((s, c) => s + (c.iterations ?? 0), 0);
  const ratio = sk ? result.seconds / skResult.seconds : undefined;
  const rows = [
    {
      measure: `select-k ${formatRows(n)}×5, K 1..10 × 4 types, 3 starts`,
      gmm: formatSeconds(result.seconds),
      sklearn: sk
        ? formatSeconds(skResult.seconds)
        : skError
          ? `failed: ${skError}`
          : 'sklearn skipped',
      ratio: formatRatio(ratio),
      target: '(no target)',
    },
  ];
  notes.push(
    `both run --n-init 3 / n_init=3 (not gmm's default 30) and at most ${MAX_ITER} iterations per start; ` +
      `sklearn tol=${SK_TOL} (its default), gmm --tol ${tolText} (the same rule, from sklearn's best mean ℓ` +
      `${meanLogLikelihood === undefined ? ' — unavailable, so a typical 2e-4' : ` ${meanLogLikelihood.toFixed(3)}`}); each its default init, 2 cores each (gmm worker threads / BLAS threads)`,
  );
  notes.push(
    `gmm: process wall time; best ${best.covarianceType} K=${best.nComponents} BIC ${best.bic?.toFixed(1)}; ` +
      `${gmmIterations} iterations in the kept starts; ${report.cells.filter((c) => c.failure).length} failed cells`,
  );
  if (sk) {
    const skIterations = sk.cells.reduce((s, c) => s + (c.iters ?? 0), 0);
    notes.push(
      `sklearn: python process wall time (start-up, imports ${formatSeconds(skResult.seconds - sk.loadSeconds - sk.sweepSeconds)}, ` +
        `loadtxt + scaling ${formatSeconds(sk.loadSeconds)}, fits ${formatSeconds(sk.fitSeconds)}); ` +
        `best ${sk.best?.cov} K=${sk.best?.k} BIC ${sk.best?.bic?.toFixed(1)}; ${skIterations} iterations in the kept starts; ` +
        `${sk.cells.filter((c) => c.error).length} failed cells`,
    );
  }
  return { rows, notes };
}

/**
 * mclust's fourteen models × G = 1..9 on faithful (raw units, no ridge), as
 * `Mclust(faithful)` fits them: R's Mclust call alone (and its process), against the
 * whole `gmm select-k` process, with mclust's procedure alone (`--n-init 0`: EM from
 * mclust's hierarchical start in every cell) and with gmm's default search.
 */
async function scenarioMclust() {
  const faithful = join(ROOT, 'fixtures', 'mclust', 'faithful.csv');
  const notes = [];
  const rows = [];
  const r = spawnSync('Rscript', ['-e', 'suppressPackageStartupMessages(library(mclust))'], {
    encoding: 'utf8',
  });
  let rSeconds;
  let rProcess;
  let rBic;
  if (r.status === 0) {
    const script =
      'suppressPackageStartupMessages(library(mclust)); t <- system.time(f <- Mclust(faithful, G = 1:9)); ' +
      'cat(sprintf("%.6f %s %d %.6f\\n", t[["elapsed"]], f$modelName, f$G, f$bic))';
    const result = await runChild('Rscript', ['-e', script], { timeoutS: 300 });
    if (ok(result)) {
      const [seconds, model, G, bic] = result.stdout.trim().split(/\s+/);
      rSeconds = Number(seconds);
      rProcess = result.seconds;
      rBic = Number(bic);
      notes.push(
        `mclust: Mclust(faithful) ${formatSeconds(rSeconds)} inside R (process ${formatSeconds(rProcess)}); selects ${model} G=${G}, BIC ${rBic.toFixed(3)}`,
      );
    } else {
      notes.push(`mclust: ${failureOf(result, 300)}`);
    }
  } else {
    notes.push('mclust: R with mclust is not installed (apt: r-base-core r-cran-mclust); gmm only');
  }
  // --n-init 0 is mclust's own procedure (EM from its hierarchical start in every cell):
  // the like-for-like comparison with Mclust(faithful). The default search explores
  // hundreds of starts per cell on top, and is reported beside it.
  for (const [label, extra, target] of [
    ["--n-init 0 (mclust's procedure)", ['--n-init', '0'], true],
    ['default search', [], false],
  ]) {
    const args = [GMM, 'select-k', faithful, '-k', '1..9', '--covariance', 'all'];
    args.push('--scale', 'none', '--reg-covar', '0', ...extra, '--format', 'json', '-q');
    const result = await runChild(process.execPath, args, { timeoutS: 1800 });
    if (!ok(result)) {
      rows.push({
        measure: `faithful 14×9, ${label}`,
        gmm: `failed: ${failureOf(result, 1800)}`,
        failed: true,
      });
      continue;
    }
    const report = JSON.parse(result.stdout);
    const best = report.cells[report.best];
    rows.push({
      measure: `faithful 14 models × G 1..9, ${label}`,
      gmm: formatSeconds(result.seconds),
      sklearn: rSeconds === undefined ? 'R skipped' : `${formatSeconds(rSeconds)} (mclust)`,
      ratio: formatRatio(rSeconds === undefined ? undefined : result.seconds / rSeconds),
      target: target ? 'faster than Mclust(faithful)' : 'reported',
      met: rSeconds === undefined || !target ? undefined : result.seconds < rSeconds,
      peer: 'mclust',
    });
    if (target && rProcess !== undefined) {
      notes.push(
        `${label}, process to process: gmm ${formatSeconds(result.seconds)}, R ${formatSeconds(rProcess)} (${formatRatio(result.seconds / rProcess)})`,
      );
    }
    notes.push(
      `gmm ${label}: best ${best.mclustName} K=${best.nComponents}, BIC (mclust's sign) ${(-best.bic).toFixed(3)}` +
        (rBic === undefined ? '' : ` (mclust ${rBic.toFixed(3)})`) +
        `; ${report.cells.filter((c) => c.failure).length} failed cells`,
    );
  }
  return { rows, notes };
}

async function scenarioScaling() {
  const [small, large] = CONFIG.scaling;
  const d = 5;
  const K = 8;
  const notes = [
    'gmm: both sizes measured here, one right after the other (not reused from b), so a change of machine load between scenarios does not skew the ratio',
  ];
  const files = {
    raw: join(runDir, `x-${small}-${d}-${K}.f64`),
    params: join(runDir, `mixture-${small}-${d}-${K}.json`),
  };
  const a = await engineIteration(small, d, K, { ...files, fresh: true });
  const b = await engineIteration(large, d, K, { fresh: true });
  const ratio = b.perIteration / a.perIteration;
  let skSmall = null;
  try {
    skSmall = await sklearnIteration(small, d, K, files);
  } catch (error) {
    notes.push(`sklearn failed: ${error.message}`);
  }
  rmSync(files.raw, { force: true });
  const rows = [
    {
      measure: `EM iteration n=${formatRows(small)} → ${formatRows(large)} (d=${d}, K=${K})`,
      gmm: `${formatSeconds(a.perIteration)} → ${formatSeconds(b.perIteration)}: ×${ratio.toFixed(2)}`,
      sklearn: '',
      target: '×10 ± 20% (8–12)',
      met: ratio >= 8 && ratio <= 12,
    },
  ];
  const skLarge = sklearnCache.get(`${large}:${d}:${K}`);
  if (skSmall && skLarge) {
    rows[0].sklearn = `${formatSeconds(skSmall.perIteration)} → ${formatSeconds(skLarge.perIteration)}: ×${(skLarge.perIteration / skSmall.perIteration).toFixed(2)}`;
    notes.push(`sklearn (for context): ${formatRows(large)} from scenario b`);
  } else if (skSmall) {
    rows[0].sklearn = `${formatSeconds(skSmall.perIteration)} at ${formatRows(small)}`;
    notes.push(`sklearn at ${formatRows(large)} is measured only by scenario b (not run)`);
  } else if ((await sklearn()) === null) {
    rows[0].sklearn = 'sklearn skipped';
  }
  return { rows, notes };
}

const SCENARIOS = [
  { id: 'a', name: 'mall', title: 'Mall Customers end to end', run: scenarioMall },
  {
    id: 'b',
    name: 'iteration',
    title: `one EM iteration, n=${formatRows(CONFIG.iterationB)}, d=5, K=8, full`,
    run: iterationScenario(CONFIG.iterationB, 5, 8, 0.2),
  },
  {
    id: 'c',
    name: 'iteration-d20',
    title: `one EM iteration, n=${formatRows(CONFIG.iterationC)}, d=20, K=8, full`,
    run: iterationScenario(CONFIG.iterationC, 20, 8, 0.8),
  },
  {
    id: 'd',
    name: 'csv',
    title: `CSV parse and a K=8 fit on ${formatRows(CONFIG.csvRows)}×5 rows`,
    run: scenarioCsv,
  },
  {
    id: 'e',
    name: 'select-k',
    title: `select-k on ${formatRows(CONFIG.selectRows)}×5 rows`,
    run: scenarioSelectK,
  },
  {
    id: 'g',
    name: 'high-d',
    title: 'tied and full EM iterations at d = 13 and 30',
    run: scenarioHighD,
  },
  {
    id: 'l',
    name: 'wasm-kernel',
    title: 'the E-step kernel: WebAssembly against JavaScript',
    run: scenarioWasmKernel,
  },
  {
    id: 'h',
    name: 'auto-k',
    title: `gmm fit with K by BIC on ${formatRows(CONFIG.autoKRows)}×5 rows`,
    run: scenarioAutoK,
  },
  {
    id: 'k',
    name: 'missing',
    title: `gmm fit --missing em on ${formatRows(CONFIG.autoKRows)}×5 rows with 5% of cells missing`,
    run: scenarioMissing,
  },
  {
    id: 'i',
    name: 'search-quality',
    title: 'the default search against the best known optima of public data sets',
    run: scenarioSearchQuality,
  },
  {
    id: 'j',
    name: 'mclust',
    title: "mclust's 14 models × G=1..9 on faithful against Mclust(faithful)",
    run: scenarioMclust,
  },
  {
    id: 'f',
    name: 'scaling',
    title: `scaling of one EM iteration, ${formatRows(CONFIG.scaling[0])} → ${formatRows(CONFIG.scaling[1])} rows`,
    run: scenarioScaling,
  },
];

// ---------------------------------------------------------------- main

let runDir;

async function main() {
  const started = performance.now();
  const only = (process.env.BENCH_ONLY ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const unknown = only.filter((o) => !SCENARIOS.some((s) => s.id === o || s.name === o));
  const chosen =
    only.length === 0
      ? SCENARIOS
      : SCENARIOS.filter((s) => only.includes(s.id) || only.includes(s.name));
  runDir = mkdtempSync(join(tmpdir(), 'gmm-bench-run-'));
  await printEnvironment();
  if (unknown.length > 0)
    console.log(`  BENCH_ONLY: unknown scenario ${unknown.join(', ')} (ignored)`);

  const summary = [];
  const failures = [];
  for (const scenario of chosen) {
    console.log(`\n(${scenario.id}) ${scenario.title}`);
    const t0 = performance.now();
    try {
      const { rows, notes } = await scenario.run();
      console.log(
        table([
          ['measure', 'gmm', 'sklearn', 'gmm/sklearn', 'target', 'verdict'],
          ...rows.map((r) => [
            r.measure,
            r.gmm ?? '',
            r.sklearn ?? '',
            r.ratio ?? '',
            r.target ?? '',
            quickNote(verdict(r.met)),
          ]),
        ]),
      );
      for (const note of notes ?? []) console.log(`  · ${note}`);
      for (const row of rows) {
        if (row.note) console.log(`  · ${row.measure}: ${row.note}`);
        if (row.failed) failures.push(`(${scenario.id}) ${row.measure}: ${row.gmm}`);
        summary.push({ scenario, row });
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.log(`  FAILED: ${message}`);
      failures.push(`(${scenario.id}) ${message}`);
    }
    console.log(`  (scenario took ${formatSeconds((performance.now() - t0) / 1000)})`);
  }

  console.log('\nsummary');
  const judged = summary.filter(({ row }) => row.met !== undefined || row.target);
  if (judged.length > 0) {
    console.log(
      table([
        ['', 'measure', 'result', 'target', 'verdict'],
        ...judged.map(({ scenario, row }) => [
          `(${scenario.id})`,
          row.measure,
          row.ratio && row.ratio !== '—' ? `gmm/${row.peer ?? 'sklearn'} ${row.ratio}` : row.gmm,
          row.target ?? '',
          quickNote(verdict(row.met)),
        ]),
      ]),
    );
  }
  const met = judged.filter(({ row }) => row.met === true).length;
  const missed = judged.filter(({ row }) => row.met === false).length;
  console.log(
    `  ${met} target${met === 1 ? '' : 's'} met, ${missed} missed${QUICK ? ' (quick sizes: indicative only)' : ''}`,
  );
  for (const failure of failures) console.log(`  failed: ${failure}`);
  console.log(
    `  total ${formatSeconds((performance.now() - started) / 1000)} · load average now ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
}

try {
  await main();
} catch (error) {
  console.log(`bench: ${error instanceof Error ? error.stack : String(error)}`);
} finally {
  if (runDir) rmSync(runDir, { recursive: true, force: true });
  process.exitCode = 0;
}
