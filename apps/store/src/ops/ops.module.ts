import { Module } from '@nestjs/common';
import { OpsController } from './ops.controller';
import { OpsStateService } from './ops-state.service';

/** The operations page's data: the whole system's state as the store sees it. */
@Module({ controllers: [OpsController], providers: [OpsStateService] })
export class OpsModule {}
