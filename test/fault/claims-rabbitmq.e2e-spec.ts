import { ClaimsFixture, eventually, TcpProxy, TestQueues } from '../support';

/**
 * Queued warranty claims on RabbitMQ itself (only with TEST_AMQP_URL): durable quorum queues, a
 * message the broker lost published again once overdue, a queue deleted under the store, a
 * duplicate delivery, the broker out of reach (outbox), dropped connections.
 */
(process.env.TEST_AMQP_URL ? describe : describe.skip)(
  'fault tolerance: queued warranty claims on RabbitMQ',
  () => {
    const fx = new ClaimsFixture({ halfOpenAfterMs: 1000, overdueMs: 3000 });
    const QUEUE = fx.queue;

    it('declares every queue as a durable quorum queue', async () => {
      const declared = await (fx.queues as TestQueues).declared();
      expect(declared.map((queue) => queue.name).sort()).toEqual((fx.queues as TestQueues).all().sort());
      expect(declared.every((queue) => queue.durable && queue.type === 'quorum')).toBe(true);
    });

    it('publishes a waiting claim again once it is overdue, when the broker lost its message', async () => {
      const { orderUid, itemUid } = await fx.buy();
      await fx.system.services.warranty.kill();
      expect((await fx.claim(orderUid)).status).toBe(202);
      // The message is lost while no consumer holds it (the store stopped); its table keeps the claim.
      await fx.system.services.store.kill();
      await (fx.queues as TestQueues).purgeWaiting();
      await fx.system.services.warranty.start();
      await fx.system.services.store.start();

      await fx.untilClaim(orderUid, { status: 'DONE', decision: 'RETURN' });
      expect(await fx.warrantyStatus(itemUid)).toBe('USE_WARRANTY');
      // Info lines reach the log within LOG_FLUSH_MS (buffered).
      await eventually(
        () => expect(fx.system.services.store.logTail(400)).toMatch(/published by the outbox relay/),
        {
          timeoutMs: 5_000,
        },
      );
    });

    it('declares its queue again and goes on when the queue was deleted under it', async () => {
      const broker = fx.queues as TestQueues;
      const { orderUid } = await fx.buy();
      await fx.system.services.warranty.kill();
      await broker.withChannel((channel) => channel.deleteQueue(QUEUE).then(() => undefined));
      expect((await fx.claim(orderUid)).status).toBe(202);
      await fx.system.services.warranty.start();

      await fx.untilClaim(orderUid, { status: 'DONE', decision: 'RETURN' });
      expect((await broker.declared()).map((queue) => queue.name)).toContain(QUEUE);
    });

    it('ignores a duplicate delivery of a decided claim', async () => {
      const { orderUid, itemUid } = await fx.buy();
      await fx.system.services.warranty.kill();
      expect((await fx.claim(orderUid)).status).toBe(202);
      await fx.system.services.warranty.start();
      await fx.untilClaim(orderUid, { status: 'DONE', decision: 'RETURN' });

      const [row] = await fx.claimsOf(orderUid);
      const broker = fx.queues as TestQueues;
      await broker.publish({ pattern: 'warranty-claim', data: { claimUid: row.claim_uid } });
      // Settled (acked) by the store: handled, not merely delivered.
      await eventually(async () => expect(await broker.messages(QUEUE)).toBe(0), { timeoutMs: 10_000 });
      expect(await fx.claimState(orderUid)).toEqual({ status: 'DONE', decision: 'RETURN' });
      expect(await fx.warrantyStatus(itemUid)).toBe('USE_WARRANTY');
    });

    it('queues a claim while RabbitMQ is down (outbox) and processes it once RabbitMQ is back', async () => {
      const proxy = fx.brokerProxy as TcpProxy;
      const { orderUid } = await fx.buy();
      await fx.system.services.warranty.kill();
      await proxy.cut();
      try {
        await eventually(async () => {
          const health = await fx.system.http('store').get('/manage/health');
          expect(health.status).toBe(503);
          expect(health.body.components.broker).toEqual({
            status: 'Fail',
            error: expect.stringMatching(/^RabbitMQ connection is down/),
            type: 'rabbitmq',
          });
        });
        // Stored (committed) before the answer; the broker gets it from the outbox relay later.
        expect((await fx.claim(orderUid)).status).toBe(202);
        expect(await fx.claimState(orderUid)).toEqual({ status: 'PENDING', decision: null });
      } finally {
        await proxy.open();
      }
      await eventually(
        async () => expect((await fx.system.http('store').get('/manage/health')).status).toBe(200),
        {
          timeoutMs: 20_000,
          intervalMs: 250,
        },
      );
      await fx.system.services.warranty.start();
      await fx.untilClaim(orderUid, { status: 'DONE', decision: 'RETURN' });
    });

    it("processes a claim after the listener's broker connection was dropped and restored", async () => {
      const { orderUid } = await fx.buy();
      await fx.system.services.warranty.kill();
      expect((await fx.claim(orderUid)).status).toBe(202);

      const broker = fx.queues as TestQueues;
      const before = await broker.storeConnections();
      expect(before.map((connection) => connection.role).sort()).toEqual(['consumer', 'publisher']);
      for (const connection of before) await broker.closeConnection(connection.pid);
      // The store reconnects on its own, with new connections.
      await eventually(
        async () => {
          const after = await broker.storeConnections();
          expect(after.map((connection) => connection.role).sort()).toEqual(['consumer', 'publisher']);
          expect(after.some((connection) => before.some((old) => old.pid === connection.pid))).toBe(false);
        },
        { timeoutMs: 20_000, intervalMs: 500 },
      );
      expect((await fx.system.http('store').get('/manage/health')).body.components.broker).toMatchObject({
        status: 'Work',
      });

      await fx.system.services.warranty.start();
      await fx.untilClaim(orderUid, { status: 'DONE', decision: 'RETURN' });
    });
  },
);
