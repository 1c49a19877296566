import type { ZodError } from 'zod';

/** A problem with one input field; `path` is the field's path, e.g. `links.1.url`. */
export interface FieldIssue {
  path: string;
  message: string;
}

/**
 * An error the user can act on. Services throw these; pages show the message (next to the
 * field when there is one) and the API answers `{ error: { code, message, issues } }`.
 */
export class UserError extends Error {
  readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429 | 502;
  readonly code: string;
  readonly issues: FieldIssue[];
  /** Seconds until a rate-limited request may be retried. */
  readonly retryAfter: number | undefined;

  constructor(status: UserError['status'], code: string, message: string, options: { issues?: FieldIssue[]; retryAfter?: number } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.issues = options.issues ?? [];
    this.retryAfter = options.retryAfter;
  }

  static invalid(issues: FieldIssue[], message = 'Some fields need attention.'): UserError {
    return new UserError(422, 'invalid', message, { issues });
  }

  static field(path: string, message: string, status: UserError['status'] = 422, code = 'invalid'): UserError {
    return new UserError(status, code, message, { issues: [{ path, message }] });
  }

  static notFound(message = 'Not found.'): UserError {
    return new UserError(404, 'not_found', message);
  }

  static forbidden(message = 'You are not allowed to do that.'): UserError {
    return new UserError(403, 'forbidden', message);
  }
}

export function issuesFromZod(error: ZodError): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return { path, message: `Unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}.` };
    }
    return { path, message: issue.message };
  });
}

/** Parses with a zod schema or throws UserError(422) listing every problem. */
export function parseInput<T>(
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: ZodError } },
  value: unknown,
): T {
  const result = schema.safeParse(value);
  if (!result.success) throw UserError.invalid(issuesFromZod(result.error));
  return result.data;
}
