/** Base class of every error the sandbox raises on purpose, so callers can tell them from bugs. */
export class SandboxError extends Error {
  override readonly name: string = 'SandboxError';
}

/** The synthesized template uses something the sandbox does not emulate (an intrinsic, an attribute…). */
export class UnsupportedTemplateError extends SandboxError {
  override readonly name = 'UnsupportedTemplateError';
}

/** A function's template runtime (nodejsNN.x) is not the Node.js major the sandbox runs on. */
export class RuntimeMismatchError extends SandboxError {
  override readonly name = 'RuntimeMismatchError';
}

/** DynamoDB Local could not start: Java missing or too old, or the emulator exited. */
export class DynamoDbLocalError extends SandboxError {
  override readonly name = 'DynamoDbLocalError';
}

/** esbuild could not bundle a function's source; the message carries esbuild's diagnostics. */
export class FunctionBuildError extends SandboxError {
  override readonly name = 'FunctionBuildError';
}

/** The sandbox did not become idle in time; `busy` names what was still working. */
export class SandboxBusyError extends SandboxError {
  override readonly name = 'SandboxBusyError';

  constructor(
    readonly busy: string[],
    timeoutMs: number,
  ) {
    super(`Sandbox still busy after ${timeoutMs} ms: ${busy.join('; ')}`);
  }
}
