import { createHash } from 'node:crypto';

/** Canonical JSON (sorted keys), so the same body always hashes the same whatever its key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Fingerprint of a request body: same key + same body replays, same key + other body conflicts. */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonical(body)).digest('base64url');
}
