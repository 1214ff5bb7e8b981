import { IsUrl } from 'class-validator';

/** Base URL of another service, e.g. http://localhost:8280. */
export function IsServiceUrl(): PropertyDecorator {
  return IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['http', 'https'] },
    { message: '$property must be an http(s) URL' },
  );
}
