// zod's classic API (zod/v4/classic/external.js) with `locales` and `core.locales` narrowed to
// English: these local exports take precedence over the names `export *` brings (see zod.mjs).
import en from '../../node_modules/zod/v4/locales/en.js';

export * from '../../node_modules/zod/v4/classic/external.js';
export * as core from './zod-core.mjs';
export const locales = { en };
