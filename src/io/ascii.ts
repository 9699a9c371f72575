/** Byte values of the ASCII characters the CSV scanner and the number reader look for. */
export const LF = 0x0a;
export const CR = 0x0d;
export const QUOTE = 0x22;
export const PLUS = 0x2b;
export const COMMA = 0x2c;
export const MINUS = 0x2d;
export const DOT = 0x2e;
export const ZERO = 0x30;
export const UPPER_E = 0x45;
export const LOWER_E = 0x65;
