/**
 * Imported first by each service's main.ts: tracing (when configured) starts before any module
 * it instruments is loaded.
 */
import { startTracing } from './start-tracing';

startTracing();
