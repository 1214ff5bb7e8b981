import { once } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { CallTimedOutError, exchange } from './http-exchange';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

const TIMEOUT_MS = 150;
/** Without the time-out under test a call would hang: fail the test well before jest's own limit. */
const TEST_TIMEOUT_MS = 5_000;

describe(exchange.name, () => {
  let server: Server;
  let handler: Handler;
  let received: string[];
  let connections: number;
  let pool: Pool;

  beforeEach(async () => {
    received = [];
    connections = 0;
    server = createServer((request, response) => {
      received.push(request.url ?? '');
      handler(request, response);
    });
    server.on('connection', () => (connections += 1));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    // One connection: a second request waits in the pool's queue while the first is out.
    pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { connections: 1 });
  });

  afterEach(async () => {
    server.closeAllConnections();
    server.close();
    await pool.destroy();
  });

  it('reads the whole answer: status, text split over chunks, headers by name', async () => {
    handler = (_request, response) => {
      response.writeHead(409, { 'Retry-After': '2', 'Content-Type': 'application/json' });
      const text = Buffer.from(JSON.stringify({ message: 'Zürich €' }));
      // A character cut in two between chunks is still decoded whole.
      const cut = text.indexOf(0xe2) + 1;
      response.write(text.subarray(0, cut));
      setImmediate(() => response.end(text.subarray(cut)));
    };
    const answer = await exchange(pool, { method: 'GET', path: '/a', headers: {} }, TIMEOUT_MS);
    expect(answer.status).toBe(409);
    expect(JSON.parse(answer.text)).toEqual({ message: 'Zürich €' });
    expect(answer.header('retry-after')).toBe('2');
    expect(answer.header('x-absent')).toBeUndefined();
  });

  it('sends the method, headers and body it is given', async () => {
    let seen: { method?: string; key?: string | string[]; body: string } | undefined;
    handler = (request, response) => {
      let body = '';
      request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        seen = { method: request.method, key: request.headers['idempotency-key'], body };
        response.end();
      });
    };
    const answer = await exchange(
      pool,
      { method: 'POST', path: '/b', headers: { 'Idempotency-Key': 'k1' }, body: '{"a":1}' },
      TIMEOUT_MS,
    );
    expect(answer).toMatchObject({ status: 200, text: '' });
    expect(seen).toEqual({ method: 'POST', key: 'k1', body: '{"a":1}' });
  });

  it(
    'gives up after its time, and a request that timed out in the queue is never sent',
    async () => {
      const held: ServerResponse[] = [];
      handler = (_request, response) => held.push(response); // answers nothing until released
      const first = exchange(pool, { method: 'GET', path: '/first', headers: {} }, 10 * TIMEOUT_MS);
      const started = performance.now();
      const queued = exchange(pool, { method: 'GET', path: '/queued', headers: {} }, TIMEOUT_MS);
      await expect(queued).rejects.toBeInstanceOf(CallTimedOutError);
      expect(performance.now() - started).toBeLessThan(10 * TIMEOUT_MS);

      held[0].end('done');
      await expect(first).resolves.toMatchObject({ status: 200, text: 'done' });
      // The queued one was dropped without closing the connection: the next request goes out on it.
      handler = (_request, response) => response.end('later');
      await expect(
        exchange(pool, { method: 'GET', path: '/later', headers: {} }, TIMEOUT_MS),
      ).resolves.toMatchObject({
        text: 'later',
      });
      expect(received).toEqual(['/first', '/later']);
      expect(connections).toBe(1);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'aborts a request that was sent and is not answered in time',
    async () => {
      let closed: Promise<unknown> | undefined;
      handler = (request) => {
        closed = once(request.socket, 'close');
      };
      await expect(exchange(pool, { method: 'GET', path: '/slow', headers: {} }, TIMEOUT_MS)).rejects.toEqual(
        new CallTimedOutError(TIMEOUT_MS),
      );
      expect(closed).toBeDefined();
      await closed; // the caller closed the connection: the callee sees the request abandoned
      expect(received).toEqual(['/slow']);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'passes a refused connection on as the error it is',
    async () => {
      server.close();
      await pool.destroy();
      pool = new Pool('http://127.0.0.1:1', { connections: 1 });
      await expect(
        exchange(pool, { method: 'GET', path: '/x', headers: {} }, TIMEOUT_MS),
      ).rejects.toMatchObject({
        code: 'ECONNREFUSED',
      });
    },
    TEST_TIMEOUT_MS,
  );
});
