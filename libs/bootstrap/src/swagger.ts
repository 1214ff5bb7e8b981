import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/**
 * Swagger UI at /api-docs and the JSON spec at /api-docs-json, generated from the DTOs. With
 * `bearerAuth`, the bearer scheme the routes marked `@ApiBearerAuth()` need; without, those
 * marks are dropped (nothing to authenticate with).
 */
export function setupSwagger(
  app: INestApplication,
  title: string,
  description: string,
  { bearerAuth }: { bearerAuth: boolean },
): void {
  const builder = new DocumentBuilder().setTitle(title).setDescription(description).setVersion('1.0');
  if (bearerAuth) builder.addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  const document = SwaggerModule.createDocument(app, builder.build());
  if (!bearerAuth) {
    for (const path of Object.values(document.paths)) {
      for (const operation of Object.values(path) as { security?: unknown }[]) delete operation.security;
    }
  }
  SwaggerModule.setup('api-docs', app, document, { jsonDocumentUrl: 'api-docs-json' });
}
