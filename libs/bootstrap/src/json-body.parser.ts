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
 * A JSON body; an empty one read as none. Malformed JSON and hostile shapes are refused with a
 * clear 400; whether the value is the object an endpoint takes is validation's to say.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new BadRequestError(`Malformed JSON in request body: ${(error as Error).message}`);
  }
  inspectJsonBody(body);
  return body;
}

/**
 * `application/json` bodies (any charset parameter) parsed by `parseJsonBody`. A body of any
 * other type, or of none, is read and dropped: an endpoint that takes a body then answers 400
 * "must be a JSON object (Content-Type: application/json)". Over MAX_BODY_BYTES, whatever its
 * type, Fastify answers 413 before the body is read whole (`bodyLimit`).
 */
export function installJsonBodyParser(server: FastifyInstance): void {
  server.removeAllContentTypeParsers();
  server.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    try {
      done(null, parseJsonBody(text.toString()));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  server.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, _body, done) => done(null, undefined));
}
