import { createHash } from 'node:crypto';

/**
 * HTTP validators for public reads (RFC 9110 §8.8.3, §13.1.2). The tag is strong: a hash of the
 * exact response body, so equal tags mean byte-identical bodies and no stored version is needed.
 */
export function etagOf(body: string): string {
  return `"${createHash('sha256').update(body, 'utf8').digest('base64url')}"`;
}

const opaque = (tag: string) => tag.trim().replace(/^W\//, '');

/**
 * True when the client's copy is current and a 304 can answer. If-None-Match compares weakly (a
 * `W/` prefix is ignored), lists several tags separated by commas, and `*` matches any current body.
 */
export function isNotModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => opaque(tag) === opaque(etag));
}
