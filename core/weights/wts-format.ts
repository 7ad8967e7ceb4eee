// What the .wts decoder and encoder share: the tensor types and the separator bytes of the text format.

/** One decoded tensor. A `.wts` carries no shapes: shapes come from the slot a tensor is bound to. */
export interface WtsTensor {
  name: string;
  /** Element count, as the record says and as `values` holds. */
  count: number;
  values: Float32Array;
  /** 1-based line of the record, for messages. */
  line: number;
}

/** A tensor to encode. */
export interface WtsTensorData {
  name: string;
  values: Float32Array;
}

export const SPACE = 32;
export const TAB = 9;
export const LF = 10;
export const CR = 13;
