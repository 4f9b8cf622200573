import dns, { type LookupAddress, type LookupOptions } from 'node:dns';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * Resolves `*.localhost` to 127.0.0.1 inside a function's worker, as RFC 6761 intends: local queue
 * URLs are `http://sqs.us-east-1.localhost:<port>/…` and the AWS SDK sends to the queue URL's host.
 * Only this worker's `dns` module is patched; the host process is untouched.
 */
export function resolveLocalhostSubdomains(): void {
  const lookup = dns.lookup as (hostname: string, options: LookupOptions, callback: LookupCallback) => void;
  const patched = (hostname: string, options: LookupOptions | number | LookupCallback, callback?: LookupCallback) => {
    const done = (typeof options === 'function' ? options : callback) as LookupCallback;
    const settings: LookupOptions = typeof options === 'object' ? options : typeof options === 'number' ? { family: options } : {};
    if (hostname !== 'localhost' && !hostname.endsWith('.localhost')) {
      lookup(hostname, settings, done);
      return;
    }
    if (settings.all) done(null, [{ address: '127.0.0.1', family: 4 }]);
    else done(null, '127.0.0.1', 4);
  };
  (dns as { lookup: unknown }).lookup = patched;
}
