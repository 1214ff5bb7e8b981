import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { User } from './user.entity';
import { UserExistsGuard } from './user-exists.guard';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([User])],
  providers: [UsersService, UserExistsGuard],
  exports: [UsersService, UserExistsGuard],
})
export class UsersModule {}
