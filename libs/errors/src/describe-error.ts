import { DomainException } from './domain.exception';

/** One line for logs and stored error columns: a domain error's message says it all. */
export function describeError(error: unknown): string {
  if (error instanceof DomainException) return error.message;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** The stack trace for an error log, or the value itself when something else was thrown. */
export function stackOf(error: unknown): string {
  return error instanceof Error ? (error.stack ?? describeError(error)) : String(error);
}

/** The longest error text kept in a database column. */
export const MAX_ERROR_TEXT = 1000;

/** Error texts end up in columns (a saga's or a claim's last error): keep them short. */
export function clipErrorText(text: string): string {
  return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT - 1)}…` : text;
}
