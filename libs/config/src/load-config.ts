import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { validationMessages } from '@app/errors';

const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = ConfigValidationError.name;
  }
}

/**
 * Reads the environment once into a typed, validated config object. Empty variables count as
 * unset, so `PORT=` falls back to the default instead of failing on an empty string.
 * Throws one error that lists every bad variable, so a misconfigured start fails fast.
 */
export function loadConfig<T extends object>(
  configClass: new () => T,
  env: NodeJS.ProcessEnv = process.env,
): T {
  const defaults = new configClass();
  // Only UPPER_CASE properties are environment variables; the rest are fixed per service.
  const variables = Object.keys(defaults).filter((key) => ENV_NAME.test(key));
  const given = Object.fromEntries(
    variables.filter((key) => env[key] !== undefined && env[key].trim() !== '').map((key) => [key, env[key]]),
  );
  const config = plainToInstance(configClass, { ...defaults, ...given });
  const errors = validateSync(config, { forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new ConfigValidationError(validationMessages(errors));
  }
  return Object.freeze(config);
}
