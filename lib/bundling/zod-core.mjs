// zod/v4/core with `locales` narrowed to English (see zod.mjs).
import en from '../../node_modules/zod/v4/locales/en.js';

export * from '../../node_modules/zod/v4/core/index.js';
export const locales = { en };
