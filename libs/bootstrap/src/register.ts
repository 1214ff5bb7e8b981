/**
 * Imported first by each service's main.ts, before anything it concerns is loaded: V8's
 * WebAssembly compilers and the old generation's growth, then tracing (it instruments the
 * modules the service loads after it). Imports run in order; nothing else may come before them.
 */
import './webassembly-baseline';
import './old-generation-growth';
import '@app/tracing/register';
