/**
 * PostgreSQL: statements whose text never changes (the precompiled hot queries, the batch
 * INSERTs) are prepared once per connection under a name, then only bound and run: a profile of
 * the group-committed send put a third of PostgreSQL's time in parsing and planning them again
 * for every use. Other queries (built per request, in unbounded variety) stay unnamed, so a
 * connection holds a small, fixed set of prepared statements. SQLite ignores this.
 */
const names = new Map<string, string>();

/** Marks `text` as worth preparing; the same text always gets the same name. */
export function prepareOnce(text: string): string {
  let name = names.get(text);
  if (name === undefined) names.set(text, (name = `parley_${names.size + 1}`));
  return text;
}

/** The statement name of `text`, if it is one to prepare. */
export function preparedName(text: string): string | undefined {
  return names.get(text);
}
