// zod/v4/mini/external.js with `locales` and `core.locales` narrowed to English (see zod.mjs).
import en from '../../node_modules/zod/v4/locales/en.js';

export * from '../../node_modules/zod/v4/mini/external.js';
export * as core from './zod-core.mjs';
export const locales = { en };
