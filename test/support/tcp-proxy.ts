import { createConnection, createServer, Server, Socket } from 'node:net';

export interface ProxyTarget {
  host: string;
  port: number;
}

/**
 * A TCP proxy in front of one server or several, given each new connection in turn (round
 * robin). In front of RabbitMQ, a test takes "the broker" away from the store and gives it back
 * without touching the server other runs share (`cut()`). In front of a service's replicas it
 * balances connections as a Kubernetes Service does. A replica that refuses the connection
 * (killed, not yet restarted) is passed over for the next one — kube-proxy does not do that: a
 * killed pod gets connections until its readiness probe fails, which the callers' breakers and
 * retries must absorb; here that window is left out. A connection already made stays with its
 * replica, and drops with it.
 */
export class TcpProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private next = 0;

  /** `port` 0: any free port, read from `port` once open. */
  constructor(
    private readonly targets: ProxyTarget[],
    public port = 0,
  ) {
    if (targets.length === 0) throw new Error('A TCP proxy needs at least one target');
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async open(): Promise<void> {
    const server = createServer((client) => {
      this.track(client);
      client.pause(); // what the client sends waits until a target has accepted
      this.connect(client, this.targets.length);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  /** Open connections drop, new ones are refused. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  /** The next target in turn; on a refused connection the one after, until each was tried once. */
  private connect(client: Socket, triesLeft: number): void {
    const target = this.targets[this.next++ % this.targets.length];
    const upstream = createConnection(target.port, target.host);
    this.track(upstream); // cut() closes it even while it is still connecting
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      if (client.destroyed) {
        upstream.destroy(); // the client gave up while the target was being reached
        return;
      }
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream).pipe(client);
    });
    upstream.once('error', () => {
      if (connected || client.destroyed) return;
      upstream.destroy();
      if (triesLeft > 1) this.connect(client, triesLeft - 1);
      else client.destroy();
    });
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
  }
}
