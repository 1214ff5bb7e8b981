import type { FastifyInstance } from 'fastify';
import { BadRequestError } from '@app/errors';

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

/**
 * A JSON body: an object or an array (as JSON APIs take; a bare `"text"` or `42` is refused), an
 * empty body read as `{}`, malformed JSON and hostile shapes refused with a clear 400.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new BadRequestError(`Malformed JSON in request body: ${(error as Error).message}`);
  }
  if (body === null || typeof body !== 'object') {
    throw new BadRequestError('Malformed JSON in request body: expected an object or an array');
  }
  inspectJsonBody(body);
  return body;
}

/**
 * `application/json` bodies parsed by `parseJsonBody`; a body of another type is answered 415.
 * Fastify answers a body over MAX_BODY_BYTES with 413 before it is read whole (see `bodyLimit`).
 */
export function installJsonBodyParser(server: FastifyInstance): void {
  server.removeAllContentTypeParsers();
  server.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    (_request, text: string | Buffer, done) => {
      try {
        done(null, parseJsonBody(text.toString()));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
}
