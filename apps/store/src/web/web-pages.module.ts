import { Module } from '@nestjs/common';
import { WebPagesController } from './web-pages.controller';

/** The storefront (`/`) and the operations page (`/manage/ops`): static pages of the public API. */
@Module({ controllers: [WebPagesController] })
export class WebPagesModule {}
