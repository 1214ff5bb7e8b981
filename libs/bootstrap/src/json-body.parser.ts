import { HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
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

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function tooDeep(): BadRequestError {
  return new BadRequestError(`Request body is nested deeper than ${MAX_BODY_DEPTH} levels`);
}

/**
 * Refuses JSON text nested deeper than MAX_BODY_DEPTH before it is parsed: one pass over the
 * characters (brackets inside strings do not count) costs a millisecond for 1 MiB, where parsing
 * half a million nested arrays first would hold the event loop — and every other request — for
 * tens of milliseconds and fill the heap.
 */
export function assertShallowJson(text: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === BACKSLASH) i++;
      else if (char === QUOTE) inString = false;
    } else if (char === QUOTE) {
      inString = true;
    } else if (char === OPEN_BRACE || char === OPEN_BRACKET) {
      if (++depth > MAX_BODY_DEPTH) throw tooDeep();
    } else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) {
      depth--;
    }
  }
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
    if (depth >= MAX_BODY_DEPTH) throw tooDeep();
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
  assertShallowJson(text);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new BadRequestError(`Malformed JSON in request body: ${(error as Error).message}`);
  }
  inspectJsonBody(body);
  return body;
}

export const NOT_A_JSON_OBJECT = 'Request body must be a JSON object (Content-Type: application/json)';

/**
 * Fastify's own refusals while it reads a body, in the contract's words: over the limit (413), a
 * Content-Type it cannot even parse (`json`, `foo;x`: 415 → the documented 400), a client gone
 * before the body was whole (a socket error with a 4xx status: no 500, no stack in the log).
 */
export function translateBodyError(error: unknown): DomainException | undefined {
  if (error instanceof HttpException) {
    const status = error.getStatus() as HttpStatus;
    if (status === HttpStatus.PAYLOAD_TOO_LARGE)
      return new PayloadTooLargeError('Request body is larger than 1 MiB');
    if (status === HttpStatus.UNSUPPORTED_MEDIA_TYPE) return new BadRequestError(NOT_A_JSON_OBJECT);
    return undefined;
  }
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500 && error instanceof Error) {
    return new BadRequestError(`Unreadable request body: ${error.message}`);
  }
  return undefined;
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
