import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { AddressInfo } from 'node:net';
import { CircuitState } from 'cockatiel';
import {
  ConflictError,
  DomainException,
  httpStatusOf,
  InProgressError,
  NotFoundError,
  ServiceUnavailableError,
} from '@app/errors';
import { runInContext } from '@app/request-context';
import { CallObserver, CallOutcome } from './call-observer';
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

const TIMEOUT_MS = 200;
const HALF_OPEN_AFTER_MS = 300;

/** Tries until `check` passes, every 10 ms; bounded by jest's time-out. For the breaker's pause to run out. */
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await delay(10);
}

describe(ServiceClient.name, () => {
  let service: FakeService;
  let sut: ServiceClient;
  let outcomes: CallOutcome[];

  beforeEach(async () => {
    service = new FakeService();
    const baseUrl = await service.listen();
    outcomes = [];
    const observer: CallObserver = {
      called: (_target, outcome) => outcomes.push(outcome),
      breakerChanged: () => undefined,
    };
    sut = new ServiceClient({
      serviceName: 'Warehouse',
      baseUrl,
      observer,
      callPolicy: createCallPolicy({
        timeoutMs: TIMEOUT_MS,
        breakerThreshold: 3,
        halfOpenAfterMs: HALF_OPEN_AFTER_MS,
      }),
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
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS); // failed fast: no time-out waited
    expect(service.hits).toBe(3);
    expect(outcomes).toEqual(['timeout', 'timeout', 'timeout', 'breaker_open']);
  });

  it("waits no longer than what is left of the caller's budget", async () => {
    const budgetMs = TIMEOUT_MS / 2;
    let seenBudget: string | undefined;
    // Never answers; notes the budget the call passed on.
    service.handler = (request) => (seenBudget = request.headers['x-request-budget-ms'] as string);
    const started = performance.now();
    await runInContext({ requestId: 'r1', deadline: Date.now() + budgetMs }, () =>
      expect(sut.get('/x')).rejects.toBeInstanceOf(ServiceUnavailableError),
    );
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS);
    expect(Number(seenBudget)).toBeLessThanOrEqual(budgetMs);
    expect(outcomes).toEqual(['timeout']);
  });

  it('lets one trial call through after the pause and closes on its success', async () => {
    service.handler = (_request, response) => reply(response, 503, { message: 'down' });
    for (let i = 0; i < 3; i++) await sut.get('/x').catch(() => undefined);
    expect(sut.circuitState).toBe(CircuitState.Open);

    service.handler = (_request, response) => reply(response, 200, { ok: true });
    const openedAt = performance.now();
    // Fails fast while open; after the pause the one trial call goes through and closes it.
    await until(() =>
      sut.get('/x').then(
        () => true,
        () => false,
      ),
    );
    expect(performance.now() - openedAt).toBeGreaterThanOrEqual(HALF_OPEN_AFTER_MS - 10);
    expect(sut.circuitState).toBe(CircuitState.Closed);
    expect(service.hits).toBe(4);
  });

  it('reopens when the trial call fails', async () => {
    service.handler = (_request, response) => reply(response, 500, { message: 'boom' });
    for (let i = 0; i < 3; i++) await sut.get('/x').catch(() => undefined);
    await until(async () => {
      await sut.get('/x').catch(() => undefined);
      return service.hits === 4; // the trial call after the pause reached the service
    });
    expect(sut.circuitState).toBe(CircuitState.Open);
    await expect(sut.get('/x')).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(service.hits).toBe(4); // open again: no call goes out
  });

  it.each([
    [401, 'Missing token'],
    [413, 'Request body is larger than 1 MiB'],
    [422, 'This Idempotency-Key was used for another request'],
    [429, 'Slow down'],
  ])(
    'passes a %i on with its status and message, as an answer that does not charge the breaker',
    async (status, message) => {
      service.handler = (_request, response) => reply(response, status, { message });
      for (let i = 0; i < 4; i++) {
        const error = await sut.post('/x', {}).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(DomainException);
        expect(httpStatusOf(error as DomainException)).toBe(status);
        expect((error as Error).message).toBe(message);
      }
      expect(sut.circuitState).toBe(CircuitState.Closed);
    },
  );

  it('tells a 409 with Retry-After (the same request still running) from a plain conflict', async () => {
    service.handler = (_request, response) =>
      response
        .writeHead(409, { 'content-type': 'application/json', 'retry-after': '1' })
        .end(JSON.stringify({ message: 'in progress' }));
    await expect(sut.post('/x', {})).rejects.toBeInstanceOf(InProgressError);
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
