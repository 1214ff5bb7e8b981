import { WarrantyDecision } from '@app/contracts';
import { ConflictError, InProgressError, NotFoundError, ServiceUnavailableError } from '@app/errors';
import { RetrySchedule } from '@app/scheduling';
import { CLAIM_UID, makeClaim, ORDER_UID } from '@test/doubles/factories';
import { mockOf } from '@test/doubles/typed-mock';
import { ClaimDecider, ClaimDecisionRecords, ClaimProcessor } from './claim-processor';
import { ClaimStatus, WarrantyClaim } from './warranty-claim.entity';

const DECIDED = { warrantyDate: '2026-11-24T10:00:00.000Z', decision: WarrantyDecision.RETURN };

function setup(stored: WarrantyClaim | null, answer: ClaimDecider['claimWarranty']) {
  const records = mockOf<ClaimDecisionRecords>({
    find: jest.fn().mockResolvedValue(stored),
    markDone: jest.fn().mockResolvedValue(true),
    markFailed: jest.fn().mockResolvedValue(true),
    markRetry: jest.fn().mockResolvedValue(undefined),
  });
  const orders = mockOf<ClaimDecider>({ claimWarranty: jest.fn(answer) });
  const processor = new ClaimProcessor(records, orders, new RetrySchedule([1000, 2000, 5000]));
  return { records, orders, processor };
}

describe(ClaimProcessor.name, () => {
  it('decides a pending claim with its id as idempotency key and records the decision', async () => {
    const { records, orders, processor } = setup(makeClaim(), () => Promise.resolve(DECIDED));

    await expect(processor.process(CLAIM_UID)).resolves.toEqual({ kind: 'done' });

    expect(orders.claimWarranty).toHaveBeenCalledWith(ORDER_UID, { reason: 'Broken' }, CLAIM_UID);
    expect(records.markDone).toHaveBeenCalledWith(CLAIM_UID, DECIDED);
  });

  it('does not try a claim that is done already (a duplicate delivery)', async () => {
    const { records, orders, processor } = setup(makeClaim({ status: ClaimStatus.DONE }), () =>
      Promise.resolve(DECIDED),
    );

    await expect(processor.process(CLAIM_UID)).resolves.toEqual({ kind: 'done' });

    expect(orders.claimWarranty).not.toHaveBeenCalled();
    expect(records.markDone).not.toHaveBeenCalled();
  });

  it('sends a failed claim that comes back to the dead letters again, without trying it', async () => {
    const { orders, processor } = setup(makeClaim({ status: ClaimStatus.FAILED, lastError: 'gone' }), () =>
      Promise.resolve(DECIDED),
    );

    await expect(processor.process(CLAIM_UID)).resolves.toEqual({ kind: 'dead', error: 'gone' });
    expect(orders.claimWarranty).not.toHaveBeenCalled();
  });

  it('drops a stale copy: a message of a try the claim has moved past, without trying it', async () => {
    const { orders, records, processor } = setup(makeClaim({ attempts: 3 }), () => Promise.resolve(DECIDED));

    await expect(processor.process(CLAIM_UID, 2)).resolves.toEqual({ kind: 'done' });
    expect(orders.claimWarranty).not.toHaveBeenCalled();
    expect(records.markRetry).not.toHaveBeenCalled();

    await expect(processor.process(CLAIM_UID, 3)).resolves.toEqual({ kind: 'done' });
    expect(orders.claimWarranty).toHaveBeenCalledTimes(1); // the current copy is tried
  });

  it('dead-letters a message whose claim does not exist', async () => {
    const { orders, processor } = setup(null, () => Promise.resolve(DECIDED));

    await expect(processor.process(CLAIM_UID)).resolves.toMatchObject({ kind: 'dead' });
    expect(orders.claimWarranty).not.toHaveBeenCalled();
  });

  it.each(['Warranty', 'Warehouse', 'Order'])(
    'retries after the back-off while %s is unavailable, counting the try',
    async (service) => {
      const { records, processor } = setup(makeClaim({ attempts: 2 }), () =>
        Promise.reject(new ServiceUnavailableError(service)),
      );

      await expect(processor.process(CLAIM_UID)).resolves.toEqual({
        kind: 'retry',
        attempts: 3,
        error: `${service} Service unavailable`,
      });
      expect(records.markRetry).toHaveBeenCalledWith(CLAIM_UID, 3, 5000, `${service} Service unavailable`);
      expect(records.markFailed).not.toHaveBeenCalled();
    },
  );

  it('retries when the same claim is still running elsewhere (409 with Retry-After)', async () => {
    const { records, processor } = setup(makeClaim(), () =>
      Promise.reject(new InProgressError('in progress')),
    );

    await expect(processor.process(CLAIM_UID)).resolves.toMatchObject({ kind: 'retry' });
    expect(records.markFailed).not.toHaveBeenCalled();
  });

  it('retries an unexpected failure too, never dropping the claim', async () => {
    const { records, processor } = setup(makeClaim(), () => Promise.reject(new Error('socket hang up')));

    await expect(processor.process(CLAIM_UID)).resolves.toMatchObject({ kind: 'retry', attempts: 2 });
    expect(records.markRetry).toHaveBeenCalledWith(CLAIM_UID, 2, 2000, 'Error: socket hang up');
  });

  it.each([
    ['the warranty does not exist', new NotFoundError(`Warranty not found for itemUid '${ORDER_UID}'`)],
    ['the order does not exist', new NotFoundError(`Order '${ORDER_UID}' not found`)],
    ['a conflict', new ConflictError('no')],
  ])('fails for good when %s', async (_case, error) => {
    const { records, processor } = setup(makeClaim(), () => Promise.reject(error));

    await expect(processor.process(CLAIM_UID)).resolves.toEqual({ kind: 'dead', error: error.message });
    expect(records.markFailed).toHaveBeenCalledWith(CLAIM_UID, error.message);
    expect(records.markRetry).not.toHaveBeenCalled();
  });
});
