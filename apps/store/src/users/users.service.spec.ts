import { randomUUID } from 'node:crypto';
import type { Repository } from 'typeorm';
import { NotFoundError } from '@app/errors';
import { mockOf } from '@test/doubles/typed-mock';
import type { User } from './user.entity';
import { UsersService } from './users.service';

describe('UsersService.assertExists', () => {
  it('asks the database once per known user: users are never deleted', async () => {
    const users = mockOf<Repository<User>>({ existsBy: jest.fn().mockResolvedValue(true) });
    const service = new UsersService(users);
    const userUid = randomUUID();

    await service.assertExists(userUid);
    await service.assertExists(userUid);

    expect(users.existsBy).toHaveBeenCalledTimes(1);
  });

  it('asks again for an unknown user every time: it may have been created since', async () => {
    const users = mockOf<Repository<User>>({
      existsBy: jest.fn().mockResolvedValueOnce(false).mockResolvedValueOnce(true),
    });
    const service = new UsersService(users);
    const userUid = randomUUID();

    await expect(service.assertExists(userUid)).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.assertExists(userUid)).resolves.toBeUndefined();

    expect(users.existsBy).toHaveBeenCalledTimes(2);
  });
});
