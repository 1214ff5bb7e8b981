import { Size } from '@app/contracts';
import { ConflictError, NotFoundError } from '@app/errors';
import { assertSameSelection, takeRefusal } from './stock-rules';

const ORDER_UID = '5c1d2f3e-4a5b-4c6d-8e7f-8091a2b3c4d5';

describe(takeRefusal.name, () => {
  it('is 409 naming the item when the item exists but none is left', () => {
    const sut = takeRefusal('Lego 8070', Size.M, true);
    expect(sut).toBeInstanceOf(ConflictError);
    expect(sut.message).toBe("No 'Lego 8070' of size M left in the warehouse");
  });

  it('is 404 naming the item when the catalogue has no such model and size', () => {
    const sut = takeRefusal('Lego 8070', Size.S, false);
    expect(sut).toBeInstanceOf(NotFoundError);
    expect(sut.message).toBe("Item 'Lego 8070' of size S not found");
  });
});

describe(assertSameSelection.name, () => {
  const held = { model: 'Lego 8880', size: Size.L };

  it('accepts a repeated take of the same model and size (a retry)', () => {
    expect(() => assertSameSelection(ORDER_UID, held, { ...held })).not.toThrow();
  });

  it.each([
    { model: 'Lego 8070', size: Size.L },
    { model: 'Lego 8880', size: Size.XL },
  ])('refuses a second unit of another selection for the same order: %o', (requested) => {
    expect(() => assertSameSelection(ORDER_UID, held, requested)).toThrow(
      new ConflictError(`Order '${ORDER_UID}' already has an item of another model or size`),
    );
  });
});
