import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The built web pages (apps/web, built by `npm run build` beside the store's bundle): the
 * storefront at `/`, the operations page at `/manage/ops` (inside /manage/, where the deployment
 * files keep it), their scripts and styles under `/assets/`.
 */
const WEB_ROOT = join(__dirname, 'web');

export const WEB_ASSETS = join(WEB_ROOT, 'assets');
export const SHOP_PAGE = join(WEB_ROOT, 'index.html');
export const OPS_PAGE = join(WEB_ROOT, 'ops.html');

let built: boolean | undefined;

/** Whether `npm run build` built the pages, looked up once (a rebuild needs a restart anyway). */
export function webPagesBuilt(): boolean {
  built ??= existsSync(SHOP_PAGE);
  return built;
}

let assets: ReadonlySet<string> | undefined;

/** The names of the files under /assets/, read once: nothing else is ever served from disk. */
export function webAssets(): ReadonlySet<string> {
  assets ??= new Set(existsSync(WEB_ASSETS) ? readdirSync(WEB_ASSETS) : []);
  return assets;
}
