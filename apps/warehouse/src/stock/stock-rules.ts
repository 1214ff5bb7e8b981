import { ItemSelection, Size } from '@app/contracts';
import { ConflictError, DomainException, NotFoundError } from '@app/errors';

/** Why a take found no unit: the catalogue has no such item (404), or none is left (409). */
export function takeRefusal(model: string, size: Size, itemExists: boolean): DomainException {
  return itemExists ? noneLeft(model, size) : new NotFoundError(`Item '${model}' of size ${size} not found`);
}

export function noneLeft(model: string, size: Size): ConflictError {
  return new ConflictError(`No '${model}' of size ${size} left in the warehouse`);
}

/** An order's unit went back to stock (refunded), or its purchase was voided: it takes nothing again. */
export function returnedAlready(orderUid: string): ConflictError {
  return new ConflictError(
    `Order '${orderUid}' cannot take an item any more: its item was returned or its purchase rolled back`,
  );
}

/**
 * An order holds one unit. Taking again for the same order is a retry of the same take, so it
 * must ask for the same model and size; anything else is a conflict, not a second unit.
 */
export function assertSameSelection(orderUid: string, held: ItemSelection, requested: ItemSelection): void {
  if (held.model !== requested.model || held.size !== requested.size) {
    throw new ConflictError(`Order '${orderUid}' already has an item of another model or size`);
  }
}
