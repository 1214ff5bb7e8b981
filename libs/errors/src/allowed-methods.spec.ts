import express from 'express';
import { allowedMethods } from './allowed-methods';

/**
 * allowedMethods reads Express' router (a private API: `router.stack`, `route._methods()`). This
 * pins the shape it relies on, so that an upgrade of Express that changes it fails here, loudly,
 * instead of silently turning every 405 into a 404.
 */
describe(allowedMethods.name, () => {
  const sut = express();
  sut.get('/api/v1/orders/:userUid', () => undefined);
  sut.post('/api/v1/orders/:userUid', () => undefined);
  sut.delete('/api/v1/orders/:orderUid', () => undefined);
  sut.get('/manage/health', () => undefined);

  it("lists the methods routed for a path, sorted and without repeats (Express' router shape)", () => {
    expect(allowedMethods(sut, '/api/v1/orders/6d2cb5a0-943c-4b96-9aa6-89eac7bdfd2b')).toEqual([
      'DELETE',
      'GET',
      'HEAD',
      'POST',
    ]);
    expect(allowedMethods(sut, '/manage/health')).toEqual(['GET', 'HEAD']);
  });

  it('lists nothing for a path no route matches', () => {
    expect(allowedMethods(sut, '/nowhere')).toEqual([]);
  });
});
