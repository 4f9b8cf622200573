import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../lib/settings.ts';

/** Where the sandbox keeps its files; the `persisted` ones are undefined in memory mode. */
export interface SandboxPaths {
  readonly cdkOut: string;
  /** Function bundles (`<logicalId>/index.mjs`) and the worker runtime (`_runtime/`). */
  readonly build: string;
  readonly persisted:
    | {
        readonly dynamodb: string;
        readonly jwtSecret: string;
        readonly streamCheckpoints: string;
      }
    | undefined;
  /** Removes what only lived for this run (the temporary directory in memory mode). */
  cleanup(): Promise<void>;
}

/** `.sandbox/` under the project (or `dataDir`) when persistent; a fresh temporary directory in memory mode. */
export async function prepareSandboxPaths(options: { inMemory: boolean; dataDir: string | undefined }): Promise<SandboxPaths> {
  if (options.inMemory) {
    const root = await mkdtemp(join(tmpdir(), 'commerce-sandbox-'));
    return {
      cdkOut: join(root, 'cdk.out'),
      build: join(root, 'build'),
      persisted: undefined,
      cleanup: () => rm(root, { recursive: true, force: true }),
    };
  }
  const root = options.dataDir ?? join(projectRoot, '.sandbox');
  const dynamodb = join(root, 'dynamodb');
  await mkdir(dynamodb, { recursive: true });
  return {
    cdkOut: join(root, 'cdk.out'),
    build: join(root, 'build'),
    persisted: {
      dynamodb,
      jwtSecret: join(root, 'jwt-secret'),
      streamCheckpoints: join(root, 'stream-checkpoints.json'),
    },
    cleanup: async () => {},
  };
}
