import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { NotFoundError } from '@app/errors';
import { OPS_PAGE, SHOP_PAGE, webPagesBuilt } from './web-pages';

function sendPage(response: Response, page: string): void {
  if (!webPagesBuilt()) throw new NotFoundError('The web pages are not built: run `npm run build`');
  response.sendFile(page);
}

/** The two pages; their scripts and styles are static files under /assets/ (see main.ts). */
@ApiExcludeController()
@Controller()
export class WebPagesController {
  @Get()
  shop(@Res() response: Response): void {
    sendPage(response, SHOP_PAGE);
  }

  @Get('manage/ops')
  ops(@Res() response: Response): void {
    sendPage(response, OPS_PAGE);
  }
}
