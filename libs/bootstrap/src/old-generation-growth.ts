import { setV8FlagUnlessGiven } from './v8-flag';

/**
 * After each full collection V8 lets the old generation grow by about a fifth of what survived
 * it before collecting again (`--heap-growing-percent=20`), instead of by a factor of its own
 * choosing. Under load the old generation filled with promoted request data between full
 * collections (the store listing 100 orders at 64 connections: old space 35 → 52 MiB committed),
 * and that headroom is most of the store's peak: 145–152 MiB with this setting against 149–152,
 * about 3 MiB lower on average, views and purchases unchanged (docs/benchmarks.md, round seven). V8 reads the flag at every
 * collection, so setting it at start applies from the first one.
 */
setV8FlagUnlessGiven('heap-growing-percent', 20);
