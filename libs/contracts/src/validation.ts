import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEnum, IsInt, IsNotEmpty, IsString, Matches, MaxLength, Min } from 'class-validator';
import { Size } from './enums';

/** Any RFC 4122 UUID, any version, any case; responses always carry lower case. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const lowerCase = Transform(({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.toLowerCase() : value,
);

/** A UUID body field: validated, then normalised to lower case. */
export function IsUuidField(description: string): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ format: 'uuid', description }),
    IsString({ message: '$property must be a UUID' }),
    Matches(UUID_PATTERN, { message: '$property must be a UUID' }),
    lowerCase,
  );
}

/** A required, non-blank text field of bounded length. */
export function IsTextField(description: string, example: string, maxLength = 255): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ description, example, maxLength }),
    IsString(),
    IsNotEmpty(),
    MaxLength(maxLength),
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
