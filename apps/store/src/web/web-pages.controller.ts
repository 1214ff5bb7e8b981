import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { NotFoundError } from '@app/errors';
import { OPS_PAGE, SHOP_PAGE, WEB_ASSETS, webAssets, webPagesBuilt } from './web-pages';

/** The types of the files the web build makes. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** A built file; the browser asks again each time (`no-cache`): a rebuild shows at once. */
async function sendFile(response: FastifyReply, path: string): Promise<void> {
  const content = await readFile(path);
  await response
    .type(CONTENT_TYPES[extname(path)] ?? 'application/octet-stream')
    .header('Cache-Control', 'no-cache')
    .send(content);
}

async function sendPage(response: FastifyReply, page: string): Promise<void> {
  if (!webPagesBuilt()) throw new NotFoundError('The web pages are not built: run `npm run build`');
  await sendFile(response, page);
}

/**
 * The two pages and their scripts and styles, as routes (not a static folder): an API request
 * never touches the file system, only the built files can be read, and a wrong method is a 405.
 */
@ApiExcludeController()
@Controller()
export class WebPagesController {
  @Get()
  shop(@Res() response: FastifyReply): Promise<void> {
    return sendPage(response, SHOP_PAGE);
  }

  @Get('manage/ops')
  ops(@Res() response: FastifyReply): Promise<void> {
    return sendPage(response, OPS_PAGE);
  }

  @Get('assets/:file')
  async asset(@Param('file') file: string, @Res() response: FastifyReply): Promise<void> {
    if (!webAssets().has(file)) throw new NotFoundError(`No asset '${file}'`);
    await sendFile(response, join(WEB_ASSETS, file));
  }
}
