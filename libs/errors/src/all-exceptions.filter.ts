import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { currentContext, requestPath } from '@app/request-context';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RoutedMethods } from './allowed-methods';
import { describeError, stackOf } from './describe-error';
import { DomainException } from './domain.exception';
import { httpHeadersOf, httpStatusOf } from './http-status';

/** Recognises an error from a lower layer that is really a domain error (e.g. a database that is down). */
export type ErrorTranslator = (error: unknown) => DomainException | undefined;

export interface ErrorBody {
  message: string;
  correlationId?: string;
}

interface ErrorAnswer {
  status: number;
  body: ErrorBody;
  headers?: Record<string, string>;
}

/** The human-readable message of a Nest HttpException, whatever shape its response has. */
function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

/**
 * The one place where anything thrown becomes an HTTP answer: JSON `{message}` always, the
 * contract's status codes, and for anything unexpected a 500 with a correlation id whose
 * details go only to the log.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly routedMethods: RoutedMethods,
    private readonly translators: ErrorTranslator[] = [],
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const request = context.getRequest<FastifyRequest>();
    const response = context.getResponse<FastifyReply>();
    const { httpAdapter } = this.adapterHost;
    const answer = this.answerFor(exception, request);
    if (httpAdapter.isHeadersSent(response)) {
      httpAdapter.end(response);
      return;
    }
    for (const [name, value] of Object.entries(answer.headers ?? {})) {
      httpAdapter.setHeader(response, name, value);
    }
    httpAdapter.reply(response, answer.body, answer.status);
  }

  private answerFor(thrown: unknown, request: FastifyRequest): ErrorAnswer {
    const exception = this.translate(thrown);
    if (exception instanceof DomainException) {
      return {
        status: httpStatusOf(exception),
        body: { message: exception.message },
        headers: httpHeadersOf(exception),
      };
    }
    if (exception instanceof NotFoundException && this.isUnroutedRequest(exception, request)) {
      return this.unroutedAnswer(request);
    }
    if (exception instanceof HttpException) {
      return { status: exception.getStatus(), body: { message: messageOf(exception) } };
    }
    // The request's id: the caller has it (X-Request-Id), and every log line of the request too.
    const correlationId = request.requestContext?.requestId ?? currentContext()?.requestId ?? randomUUID();
    this.logger.error(
      `Unexpected error ${correlationId} on ${request.method} ${request.url}`,
      stackOf(exception),
    );
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      body: { message: 'Internal server error', correlationId },
    };
  }

  private translate(thrown: unknown): unknown {
    for (const translate of this.translators) {
      const translated = translate(thrown);
      if (translated) {
        this.logger.warn(`${translated.message}: ${describeError(thrown)}`);
        return translated;
      }
    }
    return thrown;
  }

  /** Nest's own "no route" 404 reads "Cannot METHOD /path". */
  private isUnroutedRequest(exception: NotFoundException, request: FastifyRequest): boolean {
    return exception.message === `Cannot ${request.method} ${request.url}`;
  }

  private unroutedAnswer(request: FastifyRequest): ErrorAnswer {
    const path = requestPath(request);
    const methods = this.routedMethods.allowedFor(path);
    if (methods.length === 0) {
      return {
        status: HttpStatus.NOT_FOUND,
        body: { message: `No route for ${request.method} ${path}` },
      };
    }
    return {
      status: HttpStatus.METHOD_NOT_ALLOWED,
      body: { message: `Method ${request.method} is not allowed on ${path}` },
      headers: { Allow: methods.join(', ') },
    };
  }
}
