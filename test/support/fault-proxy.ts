import {
  Agent,
  createServer,
  IncomingMessage,
  request as httpRequest,
  Server,
  ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * What the proxy does with a request that matches a rule:
 * - `hold`: keeps it, unanswered and not forwarded, until `release()` forwards it (a callee that
 *   hangs, or a request delayed on the network that arrives late);
 * - `lose-answer`: forwards it, lets the target act on it, then drops the connection instead of
 *   passing the answer back (a time-out whose effect is unknown);
 * - `refuse`: drops the connection at once (a callee that is down).
 */
export type FaultAction = 'hold' | 'lose-answer' | 'refuse';

export interface FaultRuleOptions {
  method: string;
  path: RegExp;
  action: FaultAction;
  /** How many matching requests the rule takes (default: all of them until removed). */
  times?: number;
}

interface Held {
  /** Forwards the request; resolves once the target has answered it. */
  forward(): Promise<void>;
}

/** A rule of the proxy; resolves `hit` when a request first matches it. */
export class FaultRule {
  readonly hit: Promise<void>;
  hits = 0;
  private readonly held: Held[] = [];
  private onHit!: () => void;
  private removed = false;

  constructor(
    readonly options: FaultRuleOptions,
    private readonly detach: (rule: FaultRule) => void,
  ) {
    this.hit = new Promise((resolve) => (this.onHit = resolve));
  }

  matches(method: string, path: string): boolean {
    if (this.removed || (this.options.times !== undefined && this.hits >= this.options.times)) return false;
    return method === this.options.method && this.options.path.test(path);
  }

  take(held?: Held): void {
    this.hits += 1;
    if (held) this.held.push(held);
    this.onHit();
  }

  /**
   * Stops matching new requests and forwards the held ones (late arrivals); resolves once the
   * target has answered them all.
   */
  async release(): Promise<void> {
    this.remove();
    await Promise.all(this.held.splice(0).map((held) => held.forward()));
  }

  /** Stops matching new requests; held ones stay held (their callers have given up). */
  remove(): void {
    this.removed = true;
    this.detach(this);
  }
}

/**
 * An HTTP proxy in front of one service, for its callers, that the test tells which requests to
 * hold, to forward without passing the answer back, or to refuse — the faults between two real
 * processes, at exactly the step of a saga the test aims at. Everything else passes through.
 */
export class FaultProxy {
  private readonly rules: FaultRule[] = [];
  private readonly agent = new Agent({ keepAlive: true });
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly targetPort: number,
  ) {}

  static async start(targetPort: number): Promise<FaultProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = new FaultProxy(
      server,
      `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      targetPort,
    );
    server.on('request', (request: IncomingMessage, response: ServerResponse) =>
      proxy.handle(request, response),
    );
    server.on('connection', (socket) => {
      proxy.sockets.add(socket);
      socket.on('close', () => proxy.sockets.delete(socket));
    });
    return proxy;
  }

  add(options: FaultRuleOptions): FaultRule {
    const rule = new FaultRule(options, (removed) => this.rules.splice(this.rules.indexOf(removed), 1));
    this.rules.push(rule);
    return rule;
  }

  async close(): Promise<void> {
    for (const rule of [...this.rules]) rule.remove();
    for (const socket of this.sockets) socket.destroy();
    this.agent.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = request.url ?? '/';
      const rule = this.rules.find((candidate) => candidate.matches(request.method ?? 'GET', path));
      switch (rule?.options.action) {
        case undefined:
          return this.forward(request, body, (answer) => pipeAnswer(answer, response));
        case 'hold':
          // Forwarded on release even if the caller has gone: a request that arrives late.
          return rule.take({
            forward: () =>
              new Promise<void>((answered) =>
                this.forward(
                  request,
                  body,
                  (answer) => {
                    answer.on('end', answered);
                    pipeAnswer(answer, response);
                  },
                  answered,
                ),
              ),
          });
        case 'lose-answer':
          rule.take();
          return this.forward(request, body, (answer) => {
            answer.resume();
            answer.on('end', () => response.socket?.destroy());
          });
        case 'refuse':
          rule.take();
          response.socket?.destroy();
          return;
      }
    });
  }

  private forward(
    request: IncomingMessage,
    body: Buffer,
    onAnswer: (answer: IncomingMessage) => void,
    onFailure: () => void = () => undefined,
  ): void {
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: this.targetPort,
        method: request.method,
        path: request.url,
        headers: { ...withoutFraming(request.headers), 'content-length': String(body.length) },
        agent: this.agent,
      },
      onAnswer,
    );
    upstream.on('error', () => {
      request.socket.destroy(); // the target is down: so is the proxy
      onFailure();
    });
    upstream.end(body);
  }
}

/** The body is forwarded whole, with its own length: the caller's framing headers do not apply. */
function withoutFraming(headers: IncomingMessage['headers']): IncomingMessage['headers'] {
  const rest = { ...headers };
  delete rest['transfer-encoding'];
  delete rest['content-length'];
  return rest;
}

function pipeAnswer(answer: IncomingMessage, response: ServerResponse): void {
  if (response.destroyed) {
    answer.resume();
    return;
  }
  response.writeHead(answer.statusCode ?? 502, answer.headers);
  answer.pipe(response);
}
