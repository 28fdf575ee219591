/** Stable error codes: scripts and tests match on these, so never rename one. */
export type ErrorCode =
  | 'USAGE'
  | 'MANIFEST_NOT_FOUND'
  | 'MANIFEST_SYNTAX'
  | 'MANIFEST_EVAL'
  | 'MANIFEST_SCHEMA'
  | 'MANIFEST_RULE'
  | 'INIT_EXISTS'
  | 'SECRET_UNAVAILABLE'
  | 'DNS_FAILED'
  | 'CONNECT_FAILED'
  | 'TLS_FAILED'
  | 'STARTTLS_UNAVAILABLE'
  | 'LOGIN_FAILED'
  | 'TIMEOUT'
  | 'IMAP_ERROR'
  | 'CONNECTION_LOST'
  | 'THROTTLED'
  | 'OVERQUOTA'
  | 'PLAN_COLLISION'
  | 'PLAN_INVALID_NAME'
  | 'PLAN_READ'
  | 'PLAN_STALE'
  | 'PLAN_REFUSED'
  | 'PLAN_OUTDATED'
  | 'CUTOVER'
  | 'PHASE_ORDER'
  | 'STATE_LOCKED'
  | 'STATE_CORRUPT'
  | 'STATE_WRITE'
  | 'AUDIT_WRITE'
  | 'AUDIT_BROKEN'
  | 'TRACE_WRITE'
  | 'INTERNAL';

/** Where a problem is: a file position, a JSON pointer into the evaluated manifest, or an account/folder. */
export interface Location {
  file?: string;
  line?: number;
  column?: number;
  pointer?: string;
  account?: string;
  /** The side of the account the problem is on, where it is one side's. */
  side?: 'source' | 'target';
  folder?: string;
}

/** A problem as a value (Terraform's "diagnostic"): collected and returned, rendered by the CLI. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  code: ErrorCode;
  message: string;
  hint?: string;
  location?: Location;
}

/** The one error type: thrown across layers when a diagnostic must stop the command. */
export class MailshiftError extends Error {
  readonly diagnostics: Diagnostic[];

  constructor(diagnostics: Diagnostic | Diagnostic[]) {
    const list = Array.isArray(diagnostics) ? diagnostics : [diagnostics];
    super(list.map((d) => d.message).join('; '));
    this.name = 'MailshiftError';
    this.diagnostics = list;
  }

  get code(): ErrorCode {
    return this.diagnostics[0]?.code ?? 'INTERNAL';
  }
}

/** Shorthand for an error diagnostic. */
export function problem(code: ErrorCode, message: string, hint?: string, location?: Location): Diagnostic {
  return { severity: 'error', code, message, ...(hint ? { hint } : {}), ...(location ? { location } : {}) };
}

/** Shorthand for a warning diagnostic. */
export function warning(code: ErrorCode, message: string, hint?: string, location?: Location): Diagnostic {
  return { severity: 'warning', code, message, ...(hint ? { hint } : {}), ...(location ? { location } : {}) };
}

/** What went wrong, as diagnostics: a MailshiftError's own, anything else as one INTERNAL error. */
export function diagnosticsOf(error: unknown): Diagnostic[] {
  if (error instanceof MailshiftError) return error.diagnostics;
  return [problem('INTERNAL', error instanceof Error ? error.message : String(error))];
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
