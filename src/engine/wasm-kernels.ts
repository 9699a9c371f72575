import type { ExpectationKernel, PrecisionShape } from './kernels.js';
import {
  EXP_FRACTIONS,
  EXP_TAYLOR,
  LN2_64_HI,
  LN2_64_LO,
  NEGLIGIBLE_LOG_RATIO,
  POWERS_OF_TWO,
} from './fast-exp.js';
import { F64, FunctionBuilder, I32, OP, moduleBytes } from './wasm-module.js';

/**
 * The unrolled E-step kernels of kernels.ts compiled to WebAssembly (unweighted): rows
 * in; ℓ, the M-step's sums (Nₖ, Σ r x, the scatter) and, when asked, the per-row
 * outputs (R, LD, LAB, CERT) out. Each does the very same IEEE operations in the same
 * order as its JavaScript twin (same unrolled expressions, same table exp, the same ℓ
 * parts; WebAssembly neither fuses nor reorders floating-point operations), so the two
 * give identical bits and which one ran never shows in a result. Per call, gathering
 * the sums (bench/wasm_kernel.mjs): 0.41–0.64 of the JavaScript's time for full and diag
 * at d = 5..24, 0.86 for tied, 0.84 at faithful's size (n = 272, d = 2), where the copies
 * cost about what the arithmetic saves. It is compiled before its first call, without
 * the JavaScript's warm-up.
 *
 * Memory layout (bytes), shared by every kernel of a thread: the exp tables (65 powers
 * of two, 64 fractions), three f64 slots for ℓ's parts (ll, logs, product; see
 * kernels.ts ELL_START), then per call T (K), W, M, C, P, NK, SX, SC, X (n×d) and the
 * per-row outputs asked for, copied in and the results copied back out.
 */

const POWERS_AT = 0;
const FRACTIONS_AT = POWERS_OF_TWO.length * 8;
const SLOTS_AT = FRACTIONS_AT + EXP_FRACTIONS.length * 8;
const HEAP_AT = SLOTS_AT + 3 * 8;

const PARAMETERS = [
  'n',
  'K',
  'xAt',
  'wAt',
  'mAt',
  'cAt',
  'pAt',
  'tAt',
  'nkAt',
  'sxAt',
  'scAt',
  'outputs',
  'rAt',
  'ldAt',
  'labAt',
  'certAt',
] as const;

/** Bits of the kernel's `outputs`: which of the sums and per-row outputs to write. */
const GATHER = 1;
const WRITE_R = 2;
const WRITE_LD = 4;
const WRITE_LAB = 8;
const WRITE_CERT = 16;

/**
 * The kernel's code for dimension d and `shape`. It returns 0, or i + 1 for the first
 * row i with no finite term (kernels.ts's status), and leaves ll, logs and product in
 * the slots.
 */
function kernelModule(d: number, shape: PrecisionShape): Uint8Array<ArrayBuffer> {
  const fn = new FunctionBuilder(PARAMETERS.map((p) => [p, I32] as const));
  fn.declare(I32, 'i', 'k', 'row', 'm', 'at', 'tk', 'j', 'bestK');
  fn.declare(
    F64,
    'max',
    't',
    'total',
    'e',
    'delta',
    'jf',
    'r',
    'inverse',
    'll',
    'logs',
    'product',
    'bestR',
  );
  const dims = Array.from({ length: d }, (_, a) => a);
  for (const a of dims) fn.declare(F64, `x${a}`, `d${a}`, `y${a}`, `ra${a}`);
  const { f64Add: add, f64Sub: sub, f64Mul: mul } = OP;
  const tied = shape === 'tied';

  /** `local` = base + index·bytes (an address). */
  const address = (local: string, base: string, index: string, bytes: number) =>
    fn.get(base).get(index).i32(bytes).op(OP.i32Mul, OP.i32Add).set(local);
  /** d_a = x_a − mean[a] for every a, the mean at `mean` (m: μₖ; tied: mAt, μ₁). */
  const differences = (mean = 'm') => {
    for (const a of dims)
      fn.get(`x${a}`)
        .get(mean)
        .load(a * 8)
        .op(sub)
        .set(`d${a}`);
  };
  /** y_j = Σ_{a≤j} W[w + j·d + a]·v_a, summed left to right (v: d or e), or W_jj·v_j. */
  const project = (v: string, diagonalOnly: boolean) => {
    for (const j of dims) {
      if (diagonalOnly) {
        fn.get('at')
          .load((j * d + j) * 8)
          .get(`${v}${j}`)
          .op(mul);
      } else {
        for (let a = 0; a <= j; a++) {
          fn.get('at')
            .load((j * d + a) * 8)
            .get(`${v}${a}`)
            .op(mul);
          if (a > 0) fn.op(add);
        }
      }
      fn.set(`y${j}`);
    }
  };
  /** *(at + offset) += value pushed by `push`. */
  const addTo = (base: string, offset: number, push: () => void) => {
    fn.get(base).get(base).load(offset);
    push();
    fn.op(add).store(offset);
  };

  /** The scatter's upper triangle at `base`: S[a, a + b] += u_a · d_{a+b} (u: ra or d). */
  const upperTriangle = (base: string, u: string) => {
    for (const a of dims) {
      for (let b = 0; a + b < d; b++) {
        addTo(base, (a * d + a + b) * 8, () =>
          fn
            .get(`${u}${a}`)
            .get(`d${a + b}`)
            .op(mul),
        );
      }
    }
  };
  /** Pushes whether `outputs` has `bit`. */
  const wanted = (bit: number) => fn.get('outputs').i32(bit).op(OP.i32And);
  /** The address base + i·bytes, pushed. */
  const rowAddress = (base: string, bytes: number) =>
    fn.get(base).get('i').i32(bytes).op(OP.i32Mul, OP.i32Add);

  fn.f64(0).set('ll').f64(0).set('logs').f64(1).set('product');
  fn.forEach('i', 'n', () => {
    address('row', 'xAt', 'i', d * 8);
    for (const a of dims)
      fn.get('row')
        .load(a * 8)
        .set(`x${a}`);
    if (tied) {
      // e = x − μ₁, y = W₁ e once per row (kernels.ts unrolledTiedKernel)
      differences('mAt');
      fn.get('wAt').set('at');
      project('d', false);
    }
    fn.f64(-Infinity).set('max');
    fn.forEach('k', 'K', () => {
      fn.get('k').i32(3).op(OP.i32Shl).set('tk');
      // C[k] − 0.5·(Σ_j y_j²)
      fn.get('cAt').get('tk').op(OP.i32Add).load(0).f64(0.5);
      if (tied) {
        address('at', 'pAt', 'k', d * 8);
        for (const j of dims) {
          fn.get(`y${j}`)
            .get('at')
            .load(j * 8)
            .op(sub)
            .tee('t')
            .get('t')
            .op(mul);
          if (j > 0) fn.op(add);
        }
      } else {
        address('m', 'mAt', 'k', d * 8);
        address('at', 'wAt', 'k', d * d * 8);
        differences();
        project('d', shape === 'diagonal');
        for (const j of dims) {
          fn.get(`y${j}`).get(`y${j}`).op(mul);
          if (j > 0) fn.op(add);
        }
      }
      fn.op(mul, sub).set('t');
      fn.get('tAt').get('tk').op(OP.i32Add).get('t').store(0);
      fn.get('t')
        .get('max')
        .op(OP.f64Gt)
        .when(() => fn.get('t').set('max'));
    });
    // !(max > −∞ && max < ∞): the row has no finite term
    fn.get('max').f64(-Infinity).op(OP.f64Gt).get('max').f64(Infinity).op(OP.f64Lt, OP.i32And);
    fn.op(OP.i32Eqz).when(() => fn.get('i').i32(1).op(OP.i32Add, OP.return));
    fn.f64(0).set('total');
    fn.forEach('k', 'K', () => {
      fn.get('tAt').get('k').i32(3).op(OP.i32Shl, OP.i32Add).set('at');
      fn.get('at').load(0).get('max').op(sub).set('delta');
      fn.f64(0).set('e');
      fn.get('delta')
        .f64(NEGLIGIBLE_LOG_RATIO)
        .op(OP.f64Ge)
        .when(() => {
          fn.get('delta')
            .f64(64 / Math.LN2)
            .op(mul, OP.f64Floor)
            .set('jf');
          fn.get('delta').get('jf').f64(LN2_64_HI).op(mul, sub);
          fn.get('jf').f64(LN2_64_LO).op(mul, sub).set('r');
          fn.get('jf').op(OP.i32TruncF64S).set('j');
          // P2[(j >> 6) + 64] · EF[j & 63] · (1 + r·(1 + r·(½ + …)))
          fn.get('j').i32(6).op(OP.i32ShrS).i32(64).op(OP.i32Add).i32(3).op(OP.i32Shl);
          fn.load(POWERS_AT);
          fn.get('j').i32(63).op(OP.i32And).i32(3).op(OP.i32Shl).load(FRACTIONS_AT).op(mul);
          for (const c of EXP_TAYLOR.slice(0, -1)) fn.f64(c).get('r');
          fn.f64(EXP_TAYLOR[EXP_TAYLOR.length - 1]).op(mul);
          for (let c = EXP_TAYLOR.length - 2; c >= 0; c--) {
            fn.op(add);
            if (c > 0) fn.op(mul);
          }
          fn.op(mul).set('e');
        });
      fn.get('at').get('e').store(0);
      fn.get('total').get('e').op(add).set('total');
    });
    fn.get('ll').get('max').op(add).set('ll');
    fn.get('product').get('total').op(mul).tee('product').f64(1e200).op(OP.f64Gt);
    fn.when(() => {
      fn.get('logs').get('product').op(OP.call, 0, add).set('logs');
      fn.f64(1).set('product');
    });
    wanted(WRITE_LD).when(() => {
      rowAddress('ldAt', 8).get('max').get('total').op(OP.call, 0, add).store(0);
    });
    fn.f64(1).get('total').op(OP.f64Div).set('inverse');
    fn.f64(-1).set('bestR').i32(0).set('bestK');
    fn.forEach('k', 'K', () => {
      fn.get('k').i32(3).op(OP.i32Shl).set('tk');
      fn.get('tAt').get('tk').op(OP.i32Add).load(0).get('inverse').op(mul).set('r');
      wanted(WRITE_R).when(() => {
        // R[i·K + k]
        fn.get('rAt').get('i').get('K').op(OP.i32Mul).get('k').op(OP.i32Add);
        fn.i32(3).op(OP.i32Shl, OP.i32Add).get('r').store(0);
      });
      fn.get('r')
        .get('bestR')
        .op(OP.f64Gt)
        .when(() => fn.get('r').set('bestR').get('k').set('bestK'));
      wanted(GATHER);
      fn.get('r')
        .f64(0)
        .op(OP.f64Ne, OP.i32And)
        .when(() => {
          fn.get('nkAt').get('tk').op(OP.i32Add).set('at');
          addTo('at', 0, () => fn.get('r'));
          address('at', 'sxAt', 'k', d * 8);
          for (const a of dims) addTo('at', a * 8, () => fn.get('r').get(`x${a}`).op(mul));
          if (tied) return;
          address('m', 'mAt', 'k', d * 8);
          differences();
          address('at', 'scAt', 'k', d * d * 8);
          if (shape === 'diagonal') {
            for (const a of dims) {
              addTo('at', (a * d + a) * 8, () =>
                fn.get('r').get(`d${a}`).op(mul).get(`d${a}`).op(mul),
              );
            }
            return;
          }
          for (const a of dims) fn.get('r').get(`d${a}`).op(mul).set(`ra${a}`);
          upperTriangle('at', 'ra');
        });
    });
    wanted(WRITE_LAB).when(() => rowAddress('labAt', 4).get('bestK').storeI32(0));
    wanted(WRITE_CERT).when(() => rowAddress('certAt', 8).get('bestR').store(0));
    if (tied) {
      // the total scatter Σ e eᵀ around μ₁, SC's first d×d
      wanted(GATHER).when(() => upperTriangle('scAt', 'd'));
    }
  });
  fn.i32(SLOTS_AT).get('ll').store(0);
  fn.i32(SLOTS_AT).get('logs').store(8);
  fn.i32(SLOTS_AT).get('product').store(16);
  fn.i32(0);
  return moduleBytes('kernel', fn, [I32]);
}

type CompiledKernel = (...addresses: number[]) => number;

/**
 * The part of the WebAssembly JavaScript API used here, typed locally: the project's
 * TypeScript libraries (ES2022, Node's types) do not declare the global.
 */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array<ArrayBuffer>) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** The memory every kernel of this thread shares, and a view of it (renewed on growth). */
let memory: WasmMemory | undefined;
let heap = new Float64Array(0);

function sharedMemory(api: WasmApi): WasmMemory {
  if (memory === undefined) {
    memory = new api.Memory({ initial: 1 });
    heap = new Float64Array(memory.buffer);
    heap.set(POWERS_OF_TWO, POWERS_AT / 8);
    heap.set(EXP_FRACTIONS, FRACTIONS_AT / 8);
  }
  return memory;
}

/** Grows `mem` to hold `bytes`, and renews the view when its buffer moved. */
function reserve(mem: WasmMemory, bytes: number): Float64Array {
  const missing = bytes - mem.buffer.byteLength;
  if (missing > 0) mem.grow(Math.ceil(missing / 65_536));
  if (heap.buffer !== mem.buffer) heap = new Float64Array(mem.buffer);
  return heap;
}

/** view[at …] = the first `length` of `source` (no subarray when it is all of it). */
function copyIn(view: Float64Array, source: Float64Array, length: number, at: number): void {
  view.set(source.length === length ? source : source.subarray(0, length), at);
}

/** target[0 … length) = view[at …] (small arrays: a loop allocates nothing). */
function copyOut(target: Float64Array, view: Float64Array, at: number, length: number): void {
  for (let e = 0; e < length; e++) target[e] = view[at + e];
}

/**
 * An ExpectationKernel that runs the WebAssembly kernel for d and `shape`, with every
 * output kernels.ts defines except row weights, and `fallback` (the JavaScript kernel,
 * same results) for weighted calls.
 */
export function wasmKernel(
  d: number,
  shape: PrecisionShape,
  fallback: ExpectationKernel,
): ExpectationKernel {
  if (wasm === undefined) return fallback;
  const mem = sharedMemory(wasm);
  const instance = new wasm.Instance(new wasm.Module(kernelModule(d, shape)), {
    env: { log: Math.log, memory: mem },
  });
  const compiled = instance.exports.kernel as CompiledKernel;
  const DD = d * d;
  return (X, n, K, W, M, C, R, T, NK, SX, SC, LD, LAB, CERT, status, P, WT) => {
    if (WT !== null) {
      return fallback(X, n, K, W, M, C, R, T, NK, SX, SC, LD, LAB, CERT, status, P, WT);
    }
    const gather = NK !== null && SX !== null && SC !== null;
    // Layout in f64 units after HEAP_AT: T K, W (K or 1)·d², M K·d, C K, P K·d, NK K,
    // SX K·d, SC K·d², X n·d, R n·K, LD n, CERT n, LAB n (i32, in n/2 f64s).
    const tAt = HEAP_AT / 8;
    const wAt = tAt + K;
    const mAt = wAt + W.length;
    const cAt = mAt + K * d;
    const pAt = cAt + K;
    const nkAt = pAt + K * d;
    const sxAt = nkAt + K;
    const scAt = sxAt + K * d;
    const xAt = scAt + K * DD;
    const rAt = xAt + n * d;
    const ldAt = rAt + (R === null ? 0 : n * K);
    const certAt = ldAt + (LD === null ? 0 : n);
    const labAt = certAt + (CERT === null ? 0 : n);
    const view = reserve(mem, (labAt + (LAB === null ? 0 : Math.ceil(n / 2))) * 8);
    view.set(W, wAt);
    copyIn(view, M, K * d, mAt);
    copyIn(view, C, K, cAt);
    if (P !== null) copyIn(view, P, K * d, pAt);
    if (gather) {
      copyIn(view, NK, K, nkAt);
      copyIn(view, SX, K * d, sxAt);
      copyIn(view, SC, K * DD, scAt);
    }
    copyIn(view, X, n * d, xAt);
    const outputs =
      (gather ? GATHER : 0) |
      (R === null ? 0 : WRITE_R) |
      (LD === null ? 0 : WRITE_LD) |
      (LAB === null ? 0 : WRITE_LAB) |
      (CERT === null ? 0 : WRITE_CERT);
    const bad = compiled(
      n,
      K,
      xAt * 8,
      wAt * 8,
      mAt * 8,
      cAt * 8,
      pAt * 8,
      tAt * 8,
      nkAt * 8,
      sxAt * 8,
      scAt * 8,
      outputs,
      rAt * 8,
      ldAt * 8,
      labAt * 8,
      certAt * 8,
    );
    if (bad !== 0) {
      status[0] = bad;
      return NaN;
    }
    if (gather) {
      copyOut(NK, view, nkAt, K);
      copyOut(SX, view, sxAt, K * d);
      copyOut(SC, view, scAt, K * DD);
    }
    if (R !== null) R.set(view.subarray(rAt, rAt + n * K));
    if (LD !== null) LD.set(view.subarray(ldAt, ldAt + n));
    if (CERT !== null) CERT.set(view.subarray(certAt, certAt + n));
    if (LAB !== null) LAB.set(new Int32Array(view.buffer, labAt * 8, n));
    const slots = SLOTS_AT / 8;
    return view[slots] + (view[slots + 1] + Math.log(view[slots + 2]));
  };
}
