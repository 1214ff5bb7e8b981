#!/usr/bin/env node
/**
 * Builds the store's two web pages (the storefront and the operations page) into
 * dist/apps/store/web/: the HTML beside the store's bundle, scripts (one bundle per page,
 * minified) and the stylesheet under assets/. Part of `npm run build`.
 */
const { copyFileSync, mkdirSync } = require('node:fs');
const { join, resolve } = require('node:path');
const esbuild = require('esbuild');

const source = __dirname;
const target = resolve(__dirname, '..', '..', 'dist', 'apps', 'store', 'web');
const assets = join(target, 'assets');
mkdirSync(assets, { recursive: true });

esbuild.buildSync({
  entryPoints: { shop: join(source, 'src', 'shop.ts'), ops: join(source, 'src', 'ops.ts') },
  outdir: assets,
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2022'],
  legalComments: 'none',
  logLevel: 'warning',
});
copyFileSync(join(source, 'index.html'), join(target, 'index.html'));
copyFileSync(join(source, 'ops.html'), join(target, 'ops.html'));
copyFileSync(join(source, 'style.css'), join(assets, 'style.css'));
