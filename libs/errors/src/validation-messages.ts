import type { ValidationError } from 'class-validator';

const UNKNOWN_PROPERTY = /^property (\S+) should not exist$/;

/**
 * class-validator's errors as one message per problem, each naming its field (nested fields by
 * their path, e.g. `address.city must be a string`); used for request bodies and for the
 * environment alike.
 */
export function validationMessages(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const prefix = parent ? `${parent}.` : '';
    const own = Object.values(error.constraints ?? {}).map((text) => {
      const unknown = UNKNOWN_PROPERTY.exec(text);
      if (unknown) return `unknown field ${prefix}${unknown[1]} is not allowed`;
      return text.startsWith(`${error.property} `) ? `${prefix}${text}` : `${path}: ${text}`;
    });
    return [...own, ...validationMessages(error.children ?? [], path)];
  });
}
