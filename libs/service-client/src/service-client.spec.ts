import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { CircuitState } from 'cockatiel';
import { ConflictError, NotFoundError, ServiceUnavailableError } from '@app/errors';
import { createCallPolicy } from './call-policy';
import { ServiceClient } from './service-client';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** A real loopback server whose behaviour each test sets, counting the requests it receives. */
class FakeService {
  hits = 0;
  handler: Handler = (_request, response) => reply(response, 200, { ok: true });
  private readonly server: Server = createServer((request, response) => {
    this.hits += 1;
    this.handler(request, response);
  });

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function reply(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(ServiceClient.name, () => {
  let service: FakeService;
  let sut: ServiceClient;

  beforeEach(async () => {
    service = new FakeService();
    const baseUrl = await service.listen();
    sut = new ServiceClient({
      serviceName: 'Warehouse',
      baseUrl,
      callPolicy: createCallPolicy({ timeoutMs: 200, breakerThreshold: 3, halfOpenAfterMs: 300 }),
    });
  });

  afterEach(async () => {
    await sut.close();
    await service.close();
  });

  it('returns the parsed JSON body of a 2xx answer', async () => {
    await expect(sut.get('/x')).resolves.toEqual({ ok: true });
  });

  it("passes the callee's 404 and 409 on as domain errors with its message, not as faults", async () => {
    service.handler = (_request, response) => reply(response, 404, { message: 'Order item not found' });
    for (let i = 0; i < 4; i++) {
      await expect(sut.get('/x')).rejects.toEqual(new NotFoundError('Order item not found'));
    }
    service.handler = (_request, response) => reply(response, 409, { message: 'None left' });
    await expect(sut.post('/x', {})).rejects.toBeInstanceOf(ConflictError);
    expect(sut.circuitState).toBe(CircuitState.Closed);
  });

  it('opens after 3 consecutive failures and then fails fast without calling the service', async () => {
    service.handler = (_request, response) => reply(response, 500, { message: 'boom' });
    for (let i = 0; i < 3; i++) {
      await expect(sut.get('/x')).rejects.toEqual(new ServiceUnavailableError('Warehouse'));
    }
    expect(sut.circuitState).toBe(CircuitState.Open);
    await expect(sut.get('/x')).rejects.toThrow('Warehouse Service unavailable');
    expect(service.hits).toBe(3);
  });

  it('counts a time-out as a failure, and once open does not wait for the time-out again', async () => {
    service.handler = () => undefined; // never answers
    for (let i = 0; i < 3; i++) {
      await expect(sut.get('/x')).rejects.toBeInstanceOf(ServiceUnavailableError);
    }
    expect(sut.circuitState).toBe(CircuitState.Open);

    const started = performance.now();
    await expect(sut.get('/x')).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(performance.now() - started).toBeLessThan(100); // the time-out is 200 ms
    expect(service.hits).toBe(3);
  });

  it('lets one trial call through after the pause and closes on its success', async () => {
    service.handler = (_request, response) => reply(response, 503, { message: 'down' });
    for (let i = 0; i < 3; i++) await sut.get('/x').catch(() => undefined);
    expect(sut.circuitState).toBe(CircuitState.Open);

    service.handler = (_request, response) => reply(response, 200, { ok: true });
    await sleep(350);
    await expect(sut.get('/x')).resolves.toEqual({ ok: true });
    expect(sut.circuitState).toBe(CircuitState.Closed);
    expect(service.hits).toBe(4);
  });

  it('reopens when the trial call fails', async () => {
    service.handler = (_request, response) => reply(response, 500, { message: 'boom' });
    for (let i = 0; i < 3; i++) await sut.get('/x').catch(() => undefined);
    await sleep(350);
    await expect(sut.get('/x')).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(sut.circuitState).toBe(CircuitState.Open);
    expect(service.hits).toBe(4);
  });

  it('passes on a 503 naming another service without charging this breaker', async () => {
    service.handler = (_request, response) =>
      reply(response, 503, { message: 'Warranty Service unavailable' });
    for (let i = 0; i < 4; i++) {
      await expect(sut.post('/x', {})).rejects.toEqual(new ServiceUnavailableError('Warranty'));
    }
    expect(sut.circuitState).toBe(CircuitState.Closed);
    expect(service.hits).toBe(4);
  });

  it('sends JSON bodies and the given headers', async () => {
    let seen: { body: string; key: string | undefined; type: string | undefined } | undefined;
    service.handler = (request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen = {
          body,
          key: request.headers['idempotency-key'] as string | undefined,
          type: request.headers['content-type'],
        };
        reply(response, 200, {});
      });
    };
    await sut.post('/x', { reason: 'r' }, { headers: { 'idempotency-key': 'k1' } });
    expect(seen).toEqual({ body: '{"reason":"r"}', key: 'k1', type: 'application/json' });
  });
});
