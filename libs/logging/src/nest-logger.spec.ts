import { Writable } from 'node:stream';
import { runInContext } from '@app/request-context';
import { PinoNestLogger } from './nest-logger';
import { createServiceLogger } from './service-logger';

/** The logger's lines, parsed, as it writes them. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  const logger = createServiceLogger({ service: 'order', level: 'info', format: 'json' }, destination);
  return { lines, sut: new PinoNestLogger(logger) };
}

describe(PinoNestLogger.name, () => {
  it("writes one JSON object per line: time, level's name, service, msg, context", () => {
    const { lines, sut } = capture();
    sut.log('Order Service listening', 'OrderService');
    expect(lines).toEqual([
      expect.objectContaining({
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        level: 'info',
        service: 'order',
        msg: 'Order Service listening',
        context: 'OrderService',
      }),
    ]);
  });

  it('keeps an error with its stack inside its one line', () => {
    const { lines, sut } = capture();
    const error = new Error('boom');
    sut.error('Unexpected error', error.stack, 'Errors');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'error', msg: 'Unexpected error', context: 'Errors' });
    expect((lines[0].err as { stack: string }).stack).toContain('at ');
  });

  it('names the request a line is about, inside its context and only there', () => {
    const { lines, sut } = capture();
    runInContext({ requestId: 'req-7' }, () => sut.warn('Claim try 2 failed', 'WarrantyClaims'));
    sut.log('outside', 'X');
    expect(lines[0]).toMatchObject({ requestId: 'req-7', level: 'warn' });
    expect(lines[1]).not.toHaveProperty('requestId');
  });

  it('drops levels below the one configured', () => {
    const { lines, sut } = capture();
    sut.debug('noise', 'X');
    sut.verbose('more noise', 'X');
    expect(lines).toEqual([]);
  });
});
