import { setV8FlagUnlessGiven } from './v8-flag';

/**
 * Every WebAssembly module of the service compiled by V8's baseline compiler (Liftoff) alone:
 * undici's HTTP parser (compiled when undici is loaded) and, on the embedded engine, PGlite.
 * Otherwise V8 recompiles their hot functions with its optimizing compiler on background threads
 * the first time load arrives, whose working memory — ~30 MiB for the parser's state machine,
 * ~80 MiB for PostgreSQL — is resident meanwhile or stays in those threads' malloc arenas. On
 * two shared cores the optimized code bought no throughput the benchmark could tell from its
 * noise, but for purchase, possibly up to 15% (docs/benchmarks.md, rounds three and six). Set
 * before any module that compiles WebAssembly is loaded: a module compiled earlier keeps tiering
 * up.
 */
setV8FlagUnlessGiven('liftoff-only');
