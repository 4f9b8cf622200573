import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../lib/settings.ts';
import { openApiJson } from './document.ts';

/** `npm run contracts`: writes contracts/openapi.json; the unit tests fail while it differs from the code. */
const OPENAPI_FILE = join(projectRoot, 'contracts/openapi.json');

writeFileSync(OPENAPI_FILE, openApiJson());
console.log(`wrote ${OPENAPI_FILE}`);
