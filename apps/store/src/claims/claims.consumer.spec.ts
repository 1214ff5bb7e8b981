import { Delivery, JobOutcome } from '@app/messaging';
import { CLAIM_UID } from '@test/doubles/factories';
import { mockOf } from '@test/doubles/typed-mock';
import { ClaimProcessor } from './claim-processor';
import { ClaimsConsumer } from './claims.consumer';
import { ClaimsOutbox } from './claims-outbox';

function setup(process: (claimUid: string) => Promise<JobOutcome>) {
  const processor = mockOf<Pick<ClaimProcessor, 'process'>>({ process: jest.fn(process) });
  const outbox = mockOf<Pick<ClaimsOutbox, 'dispatch'>>({ dispatch: jest.fn().mockResolvedValue(undefined) });
  const delivery = mockOf<Delivery>({
    ack: jest.fn().mockReturnValue(true),
    reject: jest.fn().mockReturnValue(true),
    requeue: jest.fn().mockReturnValue(true),
  });
  return { processor, outbox, delivery, consumer: new ClaimsConsumer(processor, outbox) };
}

describe(ClaimsConsumer.name, () => {
  it('acks a claim that is done (or was done already)', async () => {
    const { consumer, delivery, outbox, processor } = setup(() => Promise.resolve({ kind: 'done' }));

    await consumer.handle({ claimUid: CLAIM_UID.toUpperCase() }, delivery);

    expect(processor.process).toHaveBeenCalledWith(CLAIM_UID, undefined);
    expect(delivery.ack).toHaveBeenCalledTimes(1);
    expect(delivery.reject).not.toHaveBeenCalled();
    expect(outbox.dispatch).not.toHaveBeenCalled();
  });

  it('puts a claim whose service is still down into the next retry tier, then acks', async () => {
    const { consumer, delivery, outbox } = setup(() =>
      Promise.resolve({ kind: 'retry', attempts: 3, error: 'Warranty Service unavailable' }),
    );

    await consumer.handle({ claimUid: CLAIM_UID }, delivery);

    expect(outbox.dispatch).toHaveBeenCalledWith(CLAIM_UID, 3);
    expect(outbox.dispatch.mock.invocationCallOrder[0]).toBeLessThan(
      delivery.ack.mock.invocationCallOrder[0],
    );
    expect(delivery.requeue).not.toHaveBeenCalled();
  });

  it('rejects a claim that can never succeed into the dead-letter queue', async () => {
    const { consumer, delivery } = setup(() => Promise.resolve({ kind: 'dead', error: 'Order not found' }));

    await consumer.handle({ claimUid: CLAIM_UID }, delivery);

    expect(delivery.reject).toHaveBeenCalledTimes(1);
    expect(delivery.ack).not.toHaveBeenCalled();
  });

  it.each([[{}], [{ claimUid: 'not-a-uuid' }], [null], ['text']])(
    'dead-letters a malformed message %p without processing it',
    async (payload) => {
      const { consumer, delivery, processor } = setup(() => Promise.resolve({ kind: 'done' }));

      await consumer.handle(payload, delivery);

      expect(processor.process).not.toHaveBeenCalled();
      expect(delivery.reject).toHaveBeenCalledTimes(1);
    },
  );

  it('requeues, never acks, when the claim could not be handled (e.g. the database is down)', async () => {
    const { consumer, delivery } = setup(() => Promise.reject(new Error('connection refused')));

    await consumer.handle({ claimUid: CLAIM_UID }, delivery, 0);

    expect(delivery.requeue).toHaveBeenCalledTimes(1);
    expect(delivery.ack).not.toHaveBeenCalled();
  });

  it('survives a channel that closed under it (the broker redelivers)', async () => {
    const { consumer, delivery } = setup(() => Promise.resolve({ kind: 'done' }));
    delivery.ack.mockReturnValue(false);

    await expect(consumer.handle({ claimUid: CLAIM_UID }, delivery)).resolves.toBeUndefined();
  });
});
