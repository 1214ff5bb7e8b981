import { json, type RequestHandler } from 'express';
import { BadRequestError, DomainException, PayloadTooLargeError } from '@app/errors';

/** The contract's body limit: bodies over 1 MiB are answered 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The deepest nesting a body may have. The API's bodies are one level deep; a validator that
 * walks a body recursively would overflow the stack on thousands of levels.
 */
export const MAX_BODY_DEPTH = 32;

/**
 * Keys that JSON.parse makes own properties but that class-transformer drops before the
 * unknown-field check sees them, and that must never reach an object's prototype chain.
 */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

interface BodyParserError {
  type?: string;
  message: string;
}

function toDomainError(error: BodyParserError): DomainException {
  if (error.type === 'entity.too.large') return new PayloadTooLargeError('Request body is larger than 1 MiB');
  if (error.type === 'entity.parse.failed') {
    return new BadRequestError(`Malformed JSON in request body: ${error.message}`);
  }
  return new BadRequestError(`Unreadable request body: ${error.message}`);
}

/**
 * Refuses bodies nested deeper than MAX_BODY_DEPTH and keys that could reach a prototype. An
 * explicit stack, not recursion: the walk itself must survive any depth.
 */
export function inspectJsonBody(body: unknown): void {
  const stack: { value: unknown; depth: number }[] = [{ value: body, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: unknown; depth: number };
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_BODY_DEPTH) {
      throw new BadRequestError(`Request body is nested deeper than ${MAX_BODY_DEPTH} levels`);
    }
    for (const [key, child] of Object.entries(value)) {
      if (FORBIDDEN_KEYS.has(key)) throw new BadRequestError(`unknown field ${key} is not allowed`);
      stack.push({ value: child, depth: depth + 1 });
    }
  }
}

/** Parses JSON bodies and turns the parser's failures and hostile shapes into clear 4xx errors. */
export function jsonBody(): RequestHandler {
  const parse = json({ limit: MAX_BODY_BYTES });
  return (request, response, next) =>
    parse(request, response, (error?: unknown) => {
      if (error) return next(toDomainError(error as BodyParserError));
      try {
        inspectJsonBody(request.body);
      } catch (refused) {
        return next(refused);
      }
      next();
    });
}
