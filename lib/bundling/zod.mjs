// `zod` as the functions' bundles see it (esbuild alias in lib/function.ts): zod itself, with only
// the English locale. zod's `z` namespace re-exports `locales` (and `core.locales`), all 64 of
// them; esbuild keeps a namespace whole once it is used as a value, so every bundle carried
// ~260 KiB of messages in languages nobody reads. Same exports otherwise (decision 0010). The
// functions import zod/mini since decision 0015 (zod-mini.mjs); this keeps guarding the bundles.
import * as z from './zod-classic.mjs';

export * from './zod-classic.mjs';
export { z, z as default };
