import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** Where the sandbox writes: function output and its own lines when `logs` is on; warnings always. */
export interface SandboxLog {
  /** Function output and per-request lines; dropped when the sandbox runs with `logs: false`. */
  readonly verbose: boolean;
  info(source: string, message: string): void;
  /** Something the developer must see (a poller that cannot reach its source, a build failure…). */
  warn(source: string, message: string): void;
}

export function createSandboxLog(verbose: boolean): SandboxLog {
  return {
    verbose,
    info: (source, message) => {
      if (verbose) process.stdout.write(prefixLines(source, message));
    },
    warn: (source, message) => {
      process.stderr.write(prefixLines(source, message));
    },
  };
}

/** Forwards a stream line by line with a `[source]` prefix, or drains it silently when not verbose. */
export function forwardLines(stream: Readable, source: string, log: SandboxLog, target: NodeJS.WriteStream): void {
  if (!log.verbose) {
    stream.resume();
    return;
  }
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => target.write(`[${source}] ${line}\n`));
}

function prefixLines(source: string, message: string): string {
  return message
    .split('\n')
    .map((line) => `[${source}] ${line}\n`)
    .join('');
}
