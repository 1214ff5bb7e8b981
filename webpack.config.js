/**
 * Nest's webpack build of each service, without its per-build type check (fork-ts-checker):
 * `npm run lint` type-checks the whole project once (`tsc --noEmit`), which CI gates on, instead
 * of four full checks per build.
 */
module.exports = (options) => ({
  ...options,
  plugins: options.plugins.filter((plugin) => plugin.constructor.name !== 'ForkTsCheckerWebpackPlugin'),
});
