import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** Swagger UI at /api-docs and the JSON spec at /api-docs-json, generated from the DTOs. */
export function setupSwagger(app: INestApplication, title: string, description: string): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle(title).setDescription(description).setVersion('1.0').build(),
  );
  SwaggerModule.setup('api-docs', app, document, { jsonDocumentUrl: 'api-docs-json' });
}
