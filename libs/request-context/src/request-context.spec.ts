import { contextFrom, currentContext, propagationHeaders, runInContext, timeLeftMs } from './request-context';

describe('request context', () => {
  it('takes a valid X-Request-Id, and makes a new one for a missing or bad one', () => {
    expect(contextFrom({ 'x-request-id': 'abc.DEF:1-2_3' }).requestId).toBe('abc.DEF:1-2_3');
    for (const bad of ['', 'has space', 'x'.repeat(129), 'semi;colon', undefined]) {
      expect(contextFrom({ 'x-request-id': bad }).requestId).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('reads the headers of an AMQP message too, whose names keep their case', () => {
    expect(contextFrom({ 'X-Request-Id': 'claim-1' }).requestId).toBe('claim-1');
  });

  it("ignores a client's budget at a public gateway", () => {
    expect(contextFrom({ 'x-request-budget-ms': '60' }, 0, false).deadline).toBeUndefined();
  });

  it('keeps a well-formed traceparent and drops a malformed one', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    expect(contextFrom({ traceparent, tracestate: 'a=1' })).toMatchObject({ traceparent, tracestate: 'a=1' });
    expect(contextFrom({ traceparent: 'nonsense', tracestate: 'a=1' })).toMatchObject({
      traceparent: undefined,
      tracestate: undefined,
    });
  });

  it("sets a deadline from the caller's budget, keeping a margin for the answer's way back", () => {
    const context = contextFrom({ 'x-request-budget-ms': '3000' }, 1_000_000);
    expect(context.deadline).toBe(1_000_000 + 3000 - 250);
    expect(contextFrom({ 'x-request-budget-ms': '1000' }, 0).deadline).toBe(800);
    expect(contextFrom({ 'x-request-budget-ms': '1500' }, 0).deadline).toBe(1250);
    expect(contextFrom({ 'x-request-budget-ms': '2000' }, 0).deadline).toBe(1750);
    expect(contextFrom({ 'x-request-budget-ms': 'soon' }).deadline).toBeUndefined();
    expect(timeLeftMs({ requestId: 'r', deadline: Date.now() + 5000 })).toBeGreaterThan(4000);
    expect(timeLeftMs({ requestId: 'r' })).toBeUndefined();
  });

  it('is current inside runInContext, across awaits, and carried on in the headers of calls', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    expect(currentContext()).toBeUndefined();
    const headers = await runInContext({ requestId: 'r1', traceparent }, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return propagationHeaders();
    });
    expect(headers).toEqual({ 'X-Request-Id': 'r1', traceparent });
    expect(propagationHeaders()).toEqual({});
  });
});
