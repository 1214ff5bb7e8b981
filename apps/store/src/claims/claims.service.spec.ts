import { WarrantyDecision } from '@app/contracts';
import { ServiceUnavailableError } from '@app/errors';
import { RetrySchedule } from '@app/scheduling';
import { OrderClient } from '@app/service-client';
import { CLAIM_UID, makeClaim, ORDER_UID, USER_UID } from '@test/doubles/factories';
import { mockOf } from '@test/doubles/typed-mock';
import { ClaimRecords, NewPendingClaim } from './claim-records';
import { ClaimsOutbox } from './claims-outbox';
import { ClaimsService } from './claims.service';
import { ClaimStatus } from './warranty-claim.entity';

const DECIDED = { warrantyDate: '2026-11-24T10:00:00.000Z', decision: WarrantyDecision.RETURN };

function setup() {
  const orders = mockOf<OrderClient>({
    find: jest.fn().mockResolvedValue({}),
    claimWarranty: jest.fn().mockResolvedValue(DECIDED),
  });
  const records = mockOf<ClaimRecords>({
    find: jest.fn().mockResolvedValue(null),
    hasPending: jest.fn().mockResolvedValue(false),
    insertDone: jest.fn().mockResolvedValue(undefined),
    insertPending: jest.fn((claim: NewPendingClaim) =>
      Promise.resolve(makeClaim({ claimUid: claim.claimUid })),
    ),
  });
  const outbox = mockOf<ClaimsOutbox>({ dispatch: jest.fn().mockResolvedValue(undefined) });
  const sut = new ClaimsService(orders, records, outbox, new RetrySchedule([1000]));
  return { sut, orders, records, outbox };
}

describe(ClaimsService.name, () => {
  it('decides at once, with the request key as the claim id, and records the decision', async () => {
    const { sut, orders, records } = setup();

    const answer = await sut.claim(USER_UID, ORDER_UID, { reason: 'Broken' }, CLAIM_UID);

    expect(answer).toEqual({ queued: false, body: { orderUid: ORDER_UID, ...DECIDED } });
    expect(orders.claimWarranty).toHaveBeenCalledWith(ORDER_UID, { reason: 'Broken' }, CLAIM_UID);
    expect(records.insertDone).toHaveBeenCalledWith(
      expect.objectContaining({ claimUid: CLAIM_UID }),
      DECIDED,
    );
  });

  it('queues the claim when warranty is down, and answers 202 even if publishing must wait', async () => {
    const { sut, orders, outbox } = setup();
    orders.claimWarranty.mockRejectedValue(new ServiceUnavailableError('Warranty'));

    const answer = await sut.claim(USER_UID, ORDER_UID, { reason: 'Broken' });

    expect(answer).toMatchObject({ queued: true, body: { decision: 'PENDING' } });
    expect(outbox.dispatch).toHaveBeenCalledTimes(1);
  });

  it("passes order's own unavailability on as a 503, storing nothing", async () => {
    const { sut, orders, records } = setup();
    orders.find.mockRejectedValue(new ServiceUnavailableError('Order'));

    await expect(sut.claim(USER_UID, ORDER_UID, { reason: 'Broken' })).rejects.toThrow(
      'Order Service unavailable',
    );
    expect(records.insertPending).not.toHaveBeenCalled();
  });

  describe('a repeat whose first attempt stored the claim (its answer was lost)', () => {
    it('answers a decided claim with its decision, deciding nothing again', async () => {
      const { sut, orders, records } = setup();
      records.find.mockResolvedValue(
        makeClaim({
          status: ClaimStatus.DONE,
          decision: DECIDED.decision,
          warrantyDate: new Date(DECIDED.warrantyDate),
        }),
      );

      const answer = await sut.claim(USER_UID, ORDER_UID, { reason: 'Broken' }, CLAIM_UID);

      expect(answer).toEqual({ queued: false, body: { orderUid: ORDER_UID, ...DECIDED } });
      expect(orders.claimWarranty).not.toHaveBeenCalled();
    });

    it('tells of a dead claim that it waits for an operator, not that it is queued', async () => {
      const { sut, records } = setup();
      records.find.mockResolvedValue(
        makeClaim({ status: ClaimStatus.FAILED, lastError: 'Warranty not found' }),
      );

      const answer = await sut.claim(USER_UID, ORDER_UID, { reason: 'Broken' }, CLAIM_UID);

      expect(answer.body).toMatchObject({
        message: expect.stringMatching(/^Warranty not found: .*operator/),
      });
    });
  });
});
