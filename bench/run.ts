import { coldStart } from './cold-start.ts';
import { sandboxStart } from './sandbox-start.ts';

/** `npm run bench`: measurements, never assertions. Results and the machine go in docs/performance.md. */
console.log(`node ${process.version}, ${process.platform}/${process.arch}\n`);
await coldStart();
sandboxStart();
