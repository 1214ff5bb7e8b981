import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEnum,
  IsInt,
  IsNotEmpty,
  IsString,
  Matches,
  MaxLength,
  Min,
  NotContains,
} from 'class-validator';
import { Size } from './enums';

/** Any RFC 4122 UUID, any version, any case; responses always carry lower case. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const lowerCase = Transform(({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.toLowerCase() : value,
);

const lowerCaseEach = Transform(({ value }: { value: unknown }) =>
  Array.isArray(value)
    ? value.map((item: unknown) => (typeof item === 'string' ? item.toLowerCase() : item))
    : value,
);

/**
 * The most UUIDs one batch look-up takes: a bounded request (about 390 KB, below the 1 MiB body
 * limit), and more orders than any customer has, so that an order list costs the same calls.
 */
export const MAX_BATCH_SIZE = 10_000;

/** A UUID body field: validated, then normalised to lower case. */
export function IsUuidField(description: string): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ format: 'uuid', description }),
    IsString({ message: '$property must be a UUID' }),
    Matches(UUID_PATTERN, { message: '$property must be a UUID' }),
    lowerCase,
  );
}

/** A batch look-up's list of UUIDs: 1 to MAX_BATCH_SIZE of them, normalised to lower case. */
export function IsUuidListField(description: string): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ type: [String], format: 'uuid', description, minItems: 1, maxItems: MAX_BATCH_SIZE }),
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(MAX_BATCH_SIZE),
    IsString({ each: true, message: 'each value in $property must be a UUID' }),
    Matches(UUID_PATTERN, { each: true, message: 'each value in $property must be a UUID' }),
    lowerCaseEach,
  );
}

/** A required, non-blank text field of bounded length. */
export function IsTextField(description: string, example: string, maxLength = 255): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ description, example, maxLength }),
    IsString(),
    IsNotEmpty(),
    MaxLength(maxLength),
    // PostgreSQL cannot store NUL in text, and no reader expects one.
    NotContains('\u0000', { message: '$property must not contain NUL characters' }),
  );
}

export function IsSizeField(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ enum: Size, enumName: 'Size', example: Size.M }),
    IsEnum(Size, { message: `$property must be one of ${Object.values(Size).join(', ')}` }),
  );
}

export function IsCountField(description: string): PropertyDecorator {
  return applyDecorators(ApiProperty({ description, minimum: 0, example: 1 }), IsInt(), Min(0));
}
