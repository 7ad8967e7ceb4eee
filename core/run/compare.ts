/** Agreement of two engines' outputs over the same inputs (the run panel's comparison). */

export interface OutputAgreement {
  maxAbsDifference: number;
  cosineSimilarity: number;
  /** Share of inputs whose top classes are the same set. */
  topKAgreement: number;
}

/** `a[i][o]`: input i's output o from engine a; `topA[i]`: input i's top class indices. */
export function compareOutputs(a: Float32Array[][], b: Float32Array[][], topA: number[][], topB: number[][]): OutputAgreement {
  let maxAbs = 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++)
    for (let o = 0; o < Math.min(a[i]!.length, b[i]?.length ?? 0); o++) {
      const x = a[i]![o]!;
      const y = b[i]![o]!;
      for (let k = 0; k < Math.min(x.length, y.length); k++) {
        maxAbs = Math.max(maxAbs, Math.abs(x[k]! - y[k]!));
        dot += x[k]! * y[k]!;
        na += x[k]! * x[k]!;
        nb += y[k]! * y[k]!;
      }
    }
  let agree = 0;
  for (let i = 0; i < topA.length; i++) {
    const sa = [...(topA[i] ?? [])].sort((p, q) => p - q).join(',');
    const sb = [...(topB[i] ?? [])].sort((p, q) => p - q).join(',');
    if (sa === sb) agree++;
  }
  return {
    maxAbsDifference: maxAbs,
    cosineSimilarity: na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : na === nb ? 1 : 0,
    topKAgreement: topA.length > 0 ? agree / topA.length : 1,
  };
}
