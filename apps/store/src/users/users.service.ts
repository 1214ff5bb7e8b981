import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { NotFoundError } from '@app/errors';
import { User } from './user.entity';

@Injectable()
export class UsersService {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  /** Every user route starts here: an unknown user is a 404 before anything else happens. */
  async assertExists(userUid: string): Promise<void> {
    if (!(await this.users.existsBy({ userUid }))) {
      throw new NotFoundError(`User '${userUid}' not found`);
    }
  }
}
