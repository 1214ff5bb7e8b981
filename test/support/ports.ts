import { createServer } from 'node:net';

/**
 * Ports are drawn below Linux's ephemeral range (32768–60999), so an outgoing connection of the
 * test run cannot grab a service's port while that service is down for a restart, and away from
 * the services' defaults (8180–8480), so a developer's running `npm start` does not clash.
 */
const LOW = 20000;
const HIGH = 32000;

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    // No host: the services listen on all interfaces, so probe the same way.
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

/** `count` distinct ports that nothing listens on right now. */
export async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let attempt = 0; ports.length < count; attempt++) {
    if (attempt > 500) throw new Error(`No ${count} free ports found in ${LOW}–${HIGH}`);
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (!ports.includes(port) && (await isFree(port))) ports.push(port);
  }
  return ports;
}
