/** Counted nouns for messages, in the app and the CLI alike: "1 node", "2 nodes", "0 errors". */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
