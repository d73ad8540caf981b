/** Exit codes shared by every command. */
export const ExitCode = {
  ok: 0,
  /** The checked thing is invalid, or the proxy failed. */
  failed: 1,
  /** Usage or environment error. */
  usage: 2,
  /** `status`: the proxy runs but does not answer. */
  unhealthy: 3,
  interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

export interface UserErrorOptions {
  /** The command or edit that fixes it. */
  hint?: string;
  location?: SourceLocation;
  exitCode?: ExitCode;
  cause?: unknown;
  /** Extra lines shown under the message (log tail, file list). */
  details?: string[];
}

/**
 * A problem the user can fix. Printed as one short block without a stack:
 * what happened, where, and what to do.
 */
export class UserError extends Error {
  readonly hint: string | undefined;
  readonly location: SourceLocation | undefined;
  readonly exitCode: ExitCode;
  readonly details: string[];

  constructor(message: string, options: UserErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "UserError";
    this.hint = options.hint;
    this.location = options.location;
    this.exitCode = options.exitCode ?? ExitCode.usage;
    this.details = options.details ?? [];
  }
}

/** Ends a command with an exit code after it has printed what it had to. */
export class ExitError extends Error {
  constructor(readonly exitCode: ExitCode) {
    super(`exit ${exitCode}`);
    this.name = "ExitError";
  }
}

export function isErrnoException(
  error: unknown,
): error is NodeJS.ErrnoException {
  return error instanceof Error && "code" in error;
}
