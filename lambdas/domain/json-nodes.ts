export interface JsonNode {
  readonly value: unknown;
  /** Keys (and array indexes) from the root to this value; its length is the value's depth. */
  readonly path: readonly string[];
  /** The key naming this value in its parent object; undefined for the root and array items. */
  readonly key: string | undefined;
}

/**
 * Every value of a parsed JSON document, parents before children, without recursion: a caller that
 * stops at a depth limit bounds the walk however deeply the document nests.
 */
export function* jsonNodes(root: unknown): Generator<JsonNode> {
  const pending: JsonNode[] = [{ value: root, path: [], key: undefined }];
  while (pending.length > 0) {
    const node = pending.pop()!;
    yield node;
    const { value, path } = node;
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) value.forEach((item, index) => pending.push({ value: item, path: [...path, String(index)], key: undefined }));
    else for (const [key, child] of Object.entries(value)) pending.push({ value: child, path: [...path, key], key });
  }
}
