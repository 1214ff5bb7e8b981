import { DomainException } from '@app/errors';
import { MAX_BODY_DEPTH, parseJsonBody } from './json-body.parser';

const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

function refusal(text: string): string | undefined {
  try {
    parseJsonBody(text);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(DomainException);
    return (error as Error).message;
  }
}

describe(parseJsonBody.name, () => {
  it('parses JSON; an empty body is none', () => {
    expect(parseJsonBody('{"model":"Lego 8070","size":"M"}')).toEqual({ model: 'Lego 8070', size: 'M' });
    expect(parseJsonBody('[1, 2]')).toEqual([1, 2]);
    expect(parseJsonBody(' \n')).toBeUndefined();
  });

  it(`takes ${MAX_BODY_DEPTH} levels of nesting and refuses one more, before parsing`, () => {
    expect(parseJsonBody(nested(MAX_BODY_DEPTH))).toBeDefined();
    expect(refusal(nested(MAX_BODY_DEPTH + 1))).toBe(
      `Request body is nested deeper than ${MAX_BODY_DEPTH} levels`,
    );
    // Unclosed: refused for its depth without being read to the end.
    expect(refusal(`{"x":${'['.repeat(500_000)}`)).toMatch(/nested deeper/);
  });

  it('does not count brackets inside strings, after escaped quotes and backslashes included', () => {
    // A scanner that ended a string at an escaped quote, or took `\\"` for an escaped quote,
    // would count the 600 brackets that follow as nesting.
    for (const text of [
      JSON.stringify({ a: 'q\\"' + '[[[{{{'.repeat(100) }),
      JSON.stringify({ a: 'x\\', b: '[[[{{{'.repeat(100) }),
    ]) {
      expect(parseJsonBody(text)).toEqual(JSON.parse(text));
    }
  });

  it('refuses malformed JSON and prototype keys at any depth with a 400 message', () => {
    expect(refusal('{"model": "Lego 8070",')).toMatch(/^Malformed JSON in request body: /);
    expect(refusal('{"__proto__": {"status": "CANCELED"}}')).toBe('unknown field __proto__ is not allowed');
    expect(refusal('{"a": [{"constructor": 1}]}')).toBe('unknown field constructor is not allowed');
  });
});
