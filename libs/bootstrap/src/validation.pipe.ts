import { ArgumentMetadata, Injectable, ValidationPipe } from '@nestjs/common';
import { BadRequestError, validationMessages } from '@app/errors';
import { NOT_A_JSON_OBJECT } from './json-body.parser';

/**
 * Validates bodies against their DTO: unknown fields and non-object bodies are rejected, and the
 * 400 message names every bad field, e.g. "size must be one of S, M, L, XL; model should not be
 * empty".
 */
@Injectable()
export class RequestValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      validateCustomDecorators: false,
      exceptionFactory: (errors) => new BadRequestError(validationMessages(errors).join('; ')),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const isDtoBody = metadata.type === 'body' && typeof metadata.metatype === 'function';
    if (isDtoBody && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw new BadRequestError(NOT_A_JSON_OBJECT);
    }
    return super.transform(value, metadata);
  }
}
