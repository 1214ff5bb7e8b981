import {
  CLAIM_PROCESSED_WITHIN_MS,
  ClaimsFixture,
  eventually,
  expectError,
  expectResponse,
  expectStatus,
  paths,
} from '../support';

/**
 * Warranty claims (#3) queued while warehouse or warranty is down, with services really killed
 * and restarted: 202 PENDING, stored before the answer, processed once the services are back,
 * exactly once in effect, across a store crash; a claim that can never succeed is dead-lettered,
 * listed and put back by an operator. On RabbitMQ with TEST_AMQP_URL (see also
 * claims-rabbitmq.e2e-spec.ts), otherwise on the embedded queue.
 */
describe(`fault tolerance: queued warranty claims (${process.env.TEST_AMQP_URL ? 'RabbitMQ' : 'embedded queue'})`, () => {
  const fx = new ClaimsFixture({ halfOpenAfterMs: 1000, overdueMs: 3000 });

  it('answers 503 and queues nothing when order service is down', async () => {
    const { orderUid } = await fx.buy();
    await fx.system.services.order.kill();
    try {
      expectError(await fx.claim(orderUid), 503, 'Order Service unavailable');
    } finally {
      await fx.system.services.order.start();
    }
    expect(await fx.claimState(orderUid)).toBeNull();
  });

  it('queues a claim while warranty is down (202 PENDING) and decides it once warranty is back', async () => {
    const { orderUid, itemUid } = await fx.buy();
    await fx.system.services.warranty.kill();

    const accepted = await fx.claim(orderUid);
    expectResponse(accepted, 202, {
      orderUid,
      decision: 'PENDING',
      message: expect.stringMatching(/^Warranty Service unavailable: .*queued/),
    });
    expect(await fx.claimState(orderUid)).toEqual({ status: 'PENDING', decision: null });
    // A second claim while one waits is refused, not queued behind it.
    expectError(await fx.claim(orderUid, 'Again'), 409, /is waiting to be decided/);
    const health = await fx.system.http('store').get('/manage/health');
    expect(health.body.components.broker).toEqual({
      status: 'Work',
      type: fx.amqpUrl ? 'rabbitmq' : 'embedded',
    });

    // A few tries fail with growing back-off while warranty stays down.
    await fx.probe.untilLogged(
      'store',
      /Claim '[0-9a-f-]+' try 3 failed \(Warranty Service unavailable\)/,
      CLAIM_PROCESSED_WITHIN_MS,
    );
    expect(await fx.claimState(orderUid)).toEqual({ status: 'PENDING', decision: null });

    await fx.system.services.warranty.start();
    await fx.untilClaim(orderUid, { status: 'DONE', decision: 'RETURN' });
    expect(await fx.warrantyStatus(itemUid)).toBe('USE_WARRANTY');

    const rows = await fx.claimsOf(orderUid);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'DONE', decision: 'RETURN' });
    expect(rows[0].attempts).toBeGreaterThanOrEqual(2);

    // The same claim delivered again (reset to PENDING and unpublished, as after a crash before
    // the ack): tried again with its idempotency key, warranty answers its first decision. Without
    // the key the second decision would be REFUSE and the warranty REMOVED_FROM_WARRANTY.
    await fx.withStoreStopped(
      `UPDATE warranty_claim SET status = 'PENDING', decision = NULL, published = FALSE,
         next_attempt_at = now(), updated_at = now() - interval '1 minute'
       WHERE claim_uid = $1 RETURNING claim_uid`,
      [rows[0].claim_uid],
    );
    await fx.untilClaim(orderUid, { status: 'DONE', decision: 'RETURN' });
    expect(await fx.warrantyStatus(itemUid)).toBe('USE_WARRANTY');

    // Order's own endpoint with the same key: the first decision again, nothing changes.
    const repeated = await fx.system
      .http('order')
      .post(
        paths.orderClaim(orderUid),
        { reason: 'x' },
        { headers: { 'Idempotency-Key': rows[0].claim_uid } },
      );
    expect(repeated.body).toMatchObject({ decision: 'RETURN' });
    expect(await fx.warrantyStatus(itemUid)).toBe('USE_WARRANTY');
  });

  it('queues a claim while warranty is frozen: the time-outs of the hops behind the store end within its own', async () => {
    const { orderUid } = await fx.buy();
    const pid = fx.system.services.warranty.pid as number;
    process.kill(pid, 'SIGSTOP');
    try {
      const accepted = await fx.claim(orderUid);
      expect(accepted.status).toBe(202);
      expect(accepted.body.message).toMatch(/^Warranty Service unavailable/);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await fx.untilClaim(orderUid, { status: 'DONE', decision: 'RETURN' });
  });

  it('queues a claim while warehouse is down and decides it once warehouse is back', async () => {
    const { orderUid } = await fx.buy();
    await fx.system.services.warehouse.kill();
    try {
      const accepted = await fx.claim(orderUid);
      expect(accepted.status).toBe(202);
      expect(accepted.body.message).toMatch(/^Warehouse Service unavailable/);
      expect(await fx.claimState(orderUid)).toEqual({ status: 'PENDING', decision: null });
    } finally {
      await fx.system.services.warehouse.start();
    }
    await fx.untilClaim(orderUid, { status: 'DONE', decision: 'RETURN' });
  });

  it('still processes a claim when the store is killed right after the 202', async () => {
    const { orderUid, itemUid } = await fx.buy();
    await fx.system.services.warranty.kill();
    expect((await fx.claim(orderUid)).status).toBe(202);
    await fx.system.services.store.kill(); // SIGKILL: no shutdown hooks, unacked deliveries go back

    await fx.system.services.warranty.start();
    await fx.system.services.store.start();
    await fx.untilClaim(orderUid, { status: 'DONE', decision: 'RETURN' });
    expect(await fx.warrantyStatus(itemUid)).toBe('USE_WARRANTY');
  });

  it('dead-letters a claim that can never succeed (its warranty is gone) and marks it FAILED', async () => {
    const { orderUid, itemUid } = await fx.buy();
    await fx.system.services.warranty.kill();
    expect((await fx.claim(orderUid)).status).toBe(202);
    await fx.system.sql('warranty', 'DELETE FROM warranty WHERE item_uid = $1', [itemUid]);
    await fx.system.services.warranty.start();

    await fx.untilClaim(orderUid, { status: 'FAILED', decision: null });
    const [row] = await fx.claimsOf(orderUid);
    // Info and warn lines reach the log within LOG_FLUSH_MS (buffered).
    await eventually(
      () => expect(fx.system.services.store.logTail(400)).toContain(`Claim '${row.claim_uid}'`),
      {
        timeoutMs: 5_000,
      },
    );
    const queues = fx.queues;
    if (queues) {
      await eventually(async () => expect(await queues.deadLettered()).toContain(row.claim_uid), {
        timeoutMs: 10_000,
        intervalMs: 250,
      });
    }

    // The operator lists it, mends the cause and puts it back: it is decided, and leaves the list.
    const dead = await fx.system.http('store').get('/manage/claims/dead');
    expectStatus(dead, 200);
    expect(dead.body).toContainEqual(
      expect.objectContaining({
        claimUid: row.claim_uid,
        orderUid,
        error: expect.stringMatching(/Warranty not found/),
      }),
    );
    expectStatus(await fx.system.http('warranty').post(paths.warranty(itemUid)), 204);
    const replayed = await fx.system.http('store').post(`/manage/claims/dead/${row.claim_uid}/replay`);
    expectResponse(replayed, 200, { replayed: [row.claim_uid] });
    await fx.untilClaim(orderUid, { status: 'DONE', decision: 'RETURN' });
    expect((await fx.system.http('store').get('/manage/claims/dead')).body).not.toContainEqual(
      expect.objectContaining({ claimUid: row.claim_uid }),
    );
    expectError(
      await fx.system.http('store').post(`/manage/claims/dead/${row.claim_uid}/replay`),
      404,
      /No dead claim/,
    );
    if (queues)
      await eventually(async () => expect(await queues.deadLettered()).not.toContain(row.claim_uid));
  });

  it('puts every dead claim back at once', async () => {
    const lost = [await fx.buy(), await fx.buy()];
    await fx.system.services.warranty.kill();
    for (const { orderUid } of lost) expect((await fx.claim(orderUid)).status).toBe(202);
    await fx.system.sqlBatch(
      'warranty',
      lost.map(({ itemUid }) => ({ text: 'DELETE FROM warranty WHERE item_uid = $1', params: [itemUid] })),
    );
    await fx.system.services.warranty.start();
    for (const { orderUid } of lost) await fx.untilClaim(orderUid, { status: 'FAILED', decision: null });

    for (const { itemUid } of lost)
      expectStatus(await fx.system.http('warranty').post(paths.warranty(itemUid)), 204);
    const replayed = await fx.system.http('store').post('/manage/claims/dead/replay');
    expectStatus(replayed, 200);
    expect((replayed.body as { replayed: string[] }).replayed).toHaveLength(2);
    for (const { orderUid } of lost) await fx.untilClaim(orderUid, { status: 'DONE', decision: 'RETURN' });
  });
});
