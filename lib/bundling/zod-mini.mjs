// `zod/mini` as the functions' bundles see it: zod/mini with only the English locale, for the same
// reason as zod.mjs (its `z` namespace re-exports every locale too).
import * as z from './zod-mini-external.mjs';

export * from './zod-mini-external.mjs';
export { z };
