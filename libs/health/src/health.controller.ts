import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { HealthReport } from './health-report';
import { HealthService } from './health.service';

@ApiTags('health')
@Controller('manage/health')
export class HealthController {
  constructor(private readonly healthService: HealthService) {}

  @Get()
  @ApiOperation({ summary: 'All components: 200 when every one works, else 503' })
  health(@Res({ passthrough: true }) response: FastifyReply): Promise<HealthReport> {
    return this.withStatus(response);
  }

  @Get('liveness')
  @ApiOperation({ summary: '200 while the process runs' })
  liveness(): { status: 'Work' } {
    return { status: 'Work' };
  }

  @Get('readiness')
  @ApiOperation({ summary: 'The same check as /manage/health' })
  readiness(@Res({ passthrough: true }) response: FastifyReply): Promise<HealthReport> {
    return this.withStatus(response);
  }

  private async withStatus(response: FastifyReply): Promise<HealthReport> {
    const report = await this.healthService.report();
    response.status(report.status === 'Work' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }
}
