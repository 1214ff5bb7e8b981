import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { NotFoundError } from '@app/errors';
import { User } from './user.entity';

@Injectable()
export class UsersService {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  /** An unknown user is a 404. */
  async assertExists(userUid: string): Promise<void> {
    if (!(await this.users.existsBy({ userUid }))) {
      throw new NotFoundError(`User '${userUid}' not found`);
    }
  }
}
