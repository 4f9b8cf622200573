import { REGION } from '../physical-names.ts';

/** Credentials the local emulators accept (they do not check them); functions get the same ones. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' } as const;

/** Configuration of the AWS SDK clients the sandbox itself uses against a local endpoint. */
export function localClientConfig(endpoint: string) {
  return { endpoint, region: REGION, credentials: LOCAL_CREDENTIALS };
}
