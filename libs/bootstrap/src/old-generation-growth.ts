import { setFlagsFromString } from 'node:v8';

/**
 * After each full collection V8 lets the old generation grow to 1.2 × what survived before it
 * collects again, instead of a factor of its own choosing. Under many concurrent requests
 * nearly every request's data outlives two scavenges and is promoted, so the old generation
 * fills with garbage between full collections, and that headroom is what set each service's
 * peak: the store at 64 connections listing 100 orders peaked 4–6 MiB lower, at no cost the
 * benchmark could tell (docs/benchmarks.md, round seven). Read at every collection, so setting
 * it here, at start, applies from the first one.
 */
setFlagsFromString('--heap-growing-percent=20');
