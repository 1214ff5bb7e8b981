import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { UUID_PATTERN } from '@app/contracts';
import { BadRequestError } from '@app/errors';

/** Path UUIDs: any version and case accepted, lower case handed on (UUIDs match case-insensitively). */
@Injectable()
export class ParseUuidPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (!UUID_PATTERN.test(value)) {
      throw new BadRequestError(`${metadata.data ?? 'parameter'} must be a UUID, got '${value}'`);
    }
    return value.toLowerCase();
  }
}
