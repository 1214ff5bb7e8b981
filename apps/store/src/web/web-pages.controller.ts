import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { NotFoundError } from '@app/errors';
import { OPS_PAGE, SHOP_PAGE, WEB_ASSETS, webAssets, webPagesBuilt } from './web-pages';

function sendPage(response: Response, page: string): void {
  if (!webPagesBuilt()) throw new NotFoundError('The web pages are not built: run `npm run build`');
  response.sendFile(page);
}

/**
 * The two pages and their scripts and styles, as routes (not a static folder): an API request
 * never touches the file system, only the built files can be read, and a wrong method is a 405.
 */
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

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() response: Response): void {
    if (!webAssets().has(file)) throw new NotFoundError(`No asset '${file}'`);
    response.sendFile(file, { root: WEB_ASSETS });
  }
}
