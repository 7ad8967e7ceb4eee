/** Fuzzy matching for the search menu, palette and find: letters in order, bonus for word starts and runs. */

/** A score (higher is better), or undefined when `query` does not match `text`. */
export function fuzzyScore(query: string, text: string): number | undefined {
  const q = query.trim().toLowerCase();
  if (q.length === 0) return 0;
  const t = text.toLowerCase();
  const direct = t.indexOf(q);
  if (direct >= 0) return 1000 - direct * 2 - (t.length - q.length) * 0.1 + (direct === 0 ? 200 : 0);
  let score = 0;
  let ti = 0;
  let run = 0;
  for (const ch of q) {
    if (ch === ' ') continue;
    const found = t.indexOf(ch, ti);
    if (found < 0) return undefined;
    const wordStart = found === 0 || /[^a-z0-9]/.test(t[found - 1]!) || (text[found] !== undefined && text[found] !== t[found]);
    run = found === ti ? run + 1 : 0;
    score += 10 + run * 5 + (wordStart ? 15 : 0) - (found - ti);
    ti = found + 1;
  }
  return score;
}

/** Items ordered by their best score over `keys`, non-matches dropped. */
export function fuzzyFilter<T>(query: string, items: readonly T[], keys: (item: T) => readonly string[]): T[] {
  if (query.trim().length === 0) return [...items];
  const scored: { item: T; score: number }[] = [];
  for (const item of items) {
    let best: number | undefined;
    for (const k of keys(item)) {
      const s = fuzzyScore(query, k);
      if (s !== undefined && (best === undefined || s > best)) best = s;
    }
    if (best !== undefined) scored.push({ item, score: best });
  }
  return scored.sort((a, b) => b.score - a.score).map((s) => s.item);
}
