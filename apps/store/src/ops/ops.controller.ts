import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OpsState } from './ops-state';
import { OpsStateService } from './ops-state.service';

/** The operations page's data, under /manage/ (never reachable by customers). */
@ApiTags('operations')
@Controller('manage/ops')
export class OpsController {
  constructor(private readonly ops: OpsStateService) {}

  @Get('state')
  @ApiOperation({
    summary: "The system's state for the operations page",
    description:
      "Each service's health, its circuit breakers per service it calls and its API request counters " +
      '(cumulative: a rate is the difference of two snapshots); claims per status, dead claims, ' +
      "order's unfinished sagas. Read by the store from every service's /manage/ endpoints.",
  })
  @ApiOkResponse({ description: 'OpsState (apps/store/src/ops/ops-state.ts)' })
  state(): Promise<OpsState> {
    return this.ops.state();
  }
}
