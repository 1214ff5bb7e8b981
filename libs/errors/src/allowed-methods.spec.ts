import Fastify from 'fastify';
import { RoutedMethods } from './allowed-methods';

describe(RoutedMethods.name, () => {
  const server = Fastify({ routerOptions: { ignoreTrailingSlash: true, caseSensitive: false } });
  const sut = RoutedMethods.of(server);
  const handler = () => Promise.resolve({});
  server.get('/api/v1/orders/:userUid', handler);
  server.post('/api/v1/orders/:userUid', handler);
  server.delete('/api/v1/orders/:orderUid', handler);
  server.get('/manage/health', handler);
  server.get('/api-docs/*', handler);

  beforeAll(() => server.ready());
  afterAll(() => server.close());

  it('lists the methods routed for a path — HEAD with each GET, as Fastify routes it — sorted and without repeats', () => {
    expect(sut.allowedFor('/api/v1/orders/6d2cb5a0-943c-4b96-9aa6-89eac7bdfd2b')).toEqual([
      'DELETE',
      'GET',
      'HEAD',
      'POST',
    ]);
    expect(sut.allowedFor('/manage/health')).toEqual(['GET', 'HEAD']);
  });

  it('matches as the router does: any case, a trailing slash, a wildcard', () => {
    expect(sut.allowedFor('/MANAGE/Health/')).toEqual(['GET', 'HEAD']);
    expect(sut.allowedFor('/api-docs/swagger-ui.css')).toEqual(['GET', 'HEAD']);
  });

  it('lists nothing for a path no route matches, nor for one segment more or less', () => {
    expect(sut.allowedFor('/nowhere')).toEqual([]);
    expect(sut.allowedFor('/api/v1/orders')).toEqual([]);
    expect(sut.allowedFor('/api/v1/orders/a/b')).toEqual([]);
    expect(sut.allowedFor('/manage/healthy')).toEqual([]);
  });
});
