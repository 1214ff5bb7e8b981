import type { NextFunction, Request, Response } from 'express';

/**
 * The contract wants `Content-Type: application/json` exactly; Express always appends
 * `; charset=utf-8` to string bodies. JSON is UTF-8 by definition, so the parameter is dropped.
 */
export function exactJsonContentType(_request: Request, response: Response, next: NextFunction): void {
  const setHeader = response.setHeader.bind(response);
  response.setHeader = (name: string, value: number | string | readonly string[]) => {
    const isJson =
      name.toLowerCase() === 'content-type' &&
      typeof value === 'string' &&
      value.toLowerCase().startsWith('application/json');
    return setHeader(name, isJson ? 'application/json' : value);
  };
  next();
}
