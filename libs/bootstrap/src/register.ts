/**
 * Imported first by each service's main.ts, before anything it concerns is loaded: V8's
 * WebAssembly compilers, then tracing (it instruments the modules the service loads after it).
 * Imports run in order; nothing else may come before them.
 */
import './webassembly-baseline';
import '@app/tracing/register';
