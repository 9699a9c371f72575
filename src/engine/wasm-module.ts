/**
 * A minimal WebAssembly encoder: one function body of f64/i32 instructions, built by
 * chained calls, and the module around it (wasm-kernels.ts generates its E-step kernels
 * with it). Only what those kernels use is here: locals, constants, loads and stores
 * at immediate offsets, arithmetic, comparisons, structured control and one imported
 * function (Math.log). Encoding: the WebAssembly core specification, binary format
 * (LEB128 integers, sections 1 type, 2 import, 3 function, 7 export, 10 code).
 */

export const I32 = 0x7f;
export const F64 = 0x7c;
export type ValueType = typeof I32 | typeof F64;

/** Opcodes used by the kernels (the specification's names). */
export const OP = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  call: 0x10,
  /** The empty block type. */
  void: 0x40,
  i32Eqz: 0x45,
  i32GeS: 0x4e,
  f64Ne: 0x62,
  f64Lt: 0x63,
  f64Gt: 0x64,
  f64Ge: 0x66,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  i32And: 0x71,
  i32Shl: 0x74,
  i32ShrS: 0x75,
  f64Floor: 0x9c,
  f64Add: 0xa0,
  f64Sub: 0xa1,
  f64Mul: 0xa2,
  f64Div: 0xa3,
  i32TruncF64S: 0xaa,
} as const;

function unsignedLeb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

function signedLeb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const float64Bytes = (x: number) => [...new Uint8Array(Float64Array.of(x).buffer)];
const name = (text: string) => [...unsignedLeb(text.length), ...new TextEncoder().encode(text)];
const vector = (items: number[][]) => [...unsignedLeb(items.length), ...items.flat()];
const section = (id: number, bytes: number[]) => [id, ...unsignedLeb(bytes.length), ...bytes];

/** One function's parameters, locals (by name) and body. */
export class FunctionBuilder {
  private readonly localTypes: ValueType[] = [];
  private readonly indexes = new Map<string, number>();
  private readonly body: number[] = [];

  constructor(readonly parameters: readonly (readonly [string, ValueType])[]) {
    parameters.forEach(([local], index) => this.indexes.set(local, index));
  }

  declare(type: ValueType, ...locals: string[]): void {
    for (const local of locals) {
      this.indexes.set(local, this.parameters.length + this.localTypes.length);
      this.localTypes.push(type);
    }
  }

  private index(local: string): number {
    const index = this.indexes.get(local);
    if (index === undefined) throw new Error(`wasm: no local ${local}`);
    return index;
  }

  get(local: string): this {
    this.body.push(0x20, ...unsignedLeb(this.index(local)));
    return this;
  }

  set(local: string): this {
    this.body.push(0x21, ...unsignedLeb(this.index(local)));
    return this;
  }

  tee(local: string): this {
    this.body.push(0x22, ...unsignedLeb(this.index(local)));
    return this;
  }

  f64(value: number): this {
    this.body.push(0x44, ...float64Bytes(value));
    return this;
  }

  i32(value: number): this {
    this.body.push(0x41, ...signedLeb(value));
    return this;
  }

  /** f64.load at the address on the stack plus `offset` bytes. */
  load(offset: number): this {
    this.body.push(0x2b, 3, ...unsignedLeb(offset));
    return this;
  }

  /** f64.store of (address, value) on the stack, at address plus `offset` bytes. */
  store(offset: number): this {
    this.body.push(0x39, 3, ...unsignedLeb(offset));
    return this;
  }

  /** i32.store of (address, value) on the stack, at address plus `offset` bytes. */
  storeI32(offset: number): this {
    this.body.push(0x36, 2, ...unsignedLeb(offset));
    return this;
  }

  op(...codes: number[]): this {
    this.body.push(...codes);
    return this;
  }

  /** for (counter = 0; counter < limit; counter++) body(), on i32 locals. */
  forEach(counter: string, limit: string, body: () => void): this {
    this.i32(0).set(counter);
    this.op(OP.block, OP.void, OP.loop, OP.void);
    this.get(counter).get(limit).op(OP.i32GeS, OP.brIf, 1);
    body();
    this.get(counter).i32(1).op(OP.i32Add).set(counter).op(OP.br, 0, OP.end, OP.end);
    return this;
  }

  /** if (condition on the stack) body(). */
  when(body: () => void): this {
    this.op(OP.if, OP.void);
    body();
    return this.op(OP.end);
  }

  encode(): number[] {
    const groups: [number, ValueType][] = [];
    for (const type of this.localTypes) {
      const last = groups[groups.length - 1];
      if (last !== undefined && last[1] === type) last[0]++;
      else groups.push([1, type]);
    }
    const code = [
      ...unsignedLeb(groups.length),
      ...groups.flatMap(([count, type]) => [...unsignedLeb(count), type]),
      ...this.body,
      OP.end,
    ];
    return [...unsignedLeb(code.length), ...code];
  }
}

/**
 * A module that imports `env.log` (f64 → f64, function 0) and `env.memory`, and exports
 * `exported` (function 1, returning `results`).
 */
export function moduleBytes(
  exported: string,
  fn: FunctionBuilder,
  results: readonly ValueType[],
): Uint8Array<ArrayBuffer> {
  const kernelType = [
    0x60,
    ...vector(fn.parameters.map(([, type]) => [type])),
    ...vector(results.map((type) => [type])),
  ];
  const logType = [0x60, ...vector([[F64]]), ...vector([[F64]])];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector([kernelType, logType])),
    ...section(
      2,
      vector([
        [...name('env'), ...name('log'), 0x00, 1],
        [...name('env'), ...name('memory'), 0x02, 0x00, 1],
      ]),
    ),
    ...section(3, vector([[0]])),
    ...section(7, vector([[...name(exported), 0x00, 1]])),
    ...section(10, vector([fn.encode()])),
  ]);
}
