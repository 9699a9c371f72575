// The E-step kernel as WebAssembly against the JavaScript kernel it stands for
// (engine/wasm-kernels.ts, engine/kernels.ts): time per call gathering the M-step's
// sums, the call EM makes, on random data and factors, and whether both gave the
// same bits. Prints one JSON line per case.
//
//   node bench/wasm_kernel.mjs
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const { expectationKernel, javascriptKernel } = await import(
  pathToFileURL(join(here, '..', 'dist', 'engine', 'kernels.js')).href
);

/** [n, d, K, shape]: faithful-sized, the 1M-row blobs' blocks, wine and breast-cancer widths. */
const CASES = [
  [272, 2, 5, 'full'],
  [65_536, 5, 4, 'full'],
  [65_536, 5, 4, 'diagonal'],
  [20_000, 13, 4, 'full'],
  [20_000, 13, 8, 'tied'],
  [5_000, 24, 4, 'full'],
  [5_000, 30, 8, 'tied'],
];

let state = 12345;
const uniform = () => {
  state = (state * 1103515245 + 12345) % 2147483648;
  return state / 2147483648;
};

for (const [n, d, K, shape] of CASES) {
  const X = Float64Array.from({ length: n * d }, () => 4 * uniform());
  // lower-triangular inverse Cholesky factors: a positive diagonal, small off-diagonals
  const W = new Float64Array(K * d * d);
  for (let k = 0; k < K; k++) {
    for (let a = 0; a < d; a++) {
      for (let b = 0; b <= a; b++) {
        W[k * d * d + a * d + b] =
          a === b ? 0.5 + uniform() : shape === 'diagonal' ? 0 : 0.1 * uniform();
      }
    }
  }
  const M = Float64Array.from({ length: K * d }, () => 4 * uniform());
  const C = Float64Array.from({ length: K }, () => -d - uniform());
  const P = Float64Array.from({ length: K * d }, () => uniform());
  const run = (kernel) => {
    const NK = new Float64Array(K);
    const SX = new Float64Array(K * d);
    const SC = new Float64Array(K * d * d);
    const status = new Int32Array(1);
    const T = new Float64Array(K);
    const ll = kernel(X, n, K, W, M, C, null, T, NK, SX, SC, null, null, null, status, P, null);
    return [ll, ...NK, ...SX, ...SC];
  };
  const wasm = expectationKernel(d, shape, false);
  const js = javascriptKernel(d, shape, false);
  const fromJs = run(js);
  const same = run(wasm).every((v, i) => Object.is(v, fromJs[i]));
  const calls = Math.max(20, Math.round(2e7 / (n * K * d)));
  const time = (kernel) => {
    let best = Infinity;
    for (let rep = 0; rep < 5; rep++) {
      const t = performance.now();
      for (let c = 0; c < calls; c++) run(kernel);
      best = Math.min(best, (performance.now() - t) / calls);
    }
    return best;
  };
  time(js);
  time(wasm);
  const jsMs = time(js);
  const wasmMs = time(wasm);
  console.log(JSON.stringify({ n, d, K, shape, wasmMs, jsMs, same }));
}
