import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { NotFoundError } from '@app/errors';
import { User } from './user.entity';

/** How many known users are remembered; the oldest is forgotten first. */
const KNOWN_USERS_CAPACITY = 10_000;

@Injectable()
export class UsersService {
  /**
   * Users found before. Users are never deleted, so a positive answer stays true and saves the
   * query on every later request of that user; an unknown user is asked again each time (it may
   * have been created since).
   */
  private readonly known = new Set<string>();

  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  /** An unknown user is a 404. */
  async assertExists(userUid: string): Promise<void> {
    if (this.known.has(userUid)) return;
    if (!(await this.users.existsBy({ userUid }))) {
      throw new NotFoundError(`User '${userUid}' not found`);
    }
    if (this.known.size >= KNOWN_USERS_CAPACITY) this.known.delete(this.known.values().next().value!);
    this.known.add(userUid);
  }
}
