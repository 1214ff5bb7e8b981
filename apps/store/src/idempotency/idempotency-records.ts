import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { queryRows } from '@app/database';
import { InProgressError, UnprocessableError } from '@app/errors';
import { StoreConfig } from '../store.config';
import { IdempotencyRecord, RecordState } from './idempotency-record.entity';

/** A finished request's answer, as replayed. */
export interface StoredAnswer {
  status: number;
  body: unknown;
  location?: string;
}

/** An attempt that holds a key: it runs the request under `downstreamKey` and settles with `token`. */
export interface Lease {
  downstreamKey: string;
  token: string;
}

export type Begun = { kind: 'run'; lease: Lease } | { kind: 'replay'; answer: StoredAnswer };

const HOUR_MS = 60 * 60 * 1000;

/**
 * The table idempotency_record. A key is taken with one conditional statement, so of two requests
 * with the same key (in any number of store instances) exactly one runs; the other is answered
 * from the record. A RUNNING record whose lease ran out (its store instance died) may be taken
 * over by a repeat of the same request: the calls it makes carry the same downstream key, so
 * whatever the first attempt did is not done twice. Each attempt settles only the record it
 * holds (its lease token).
 */
@Injectable()
export class IdempotencyRecords {
  private readonly leaseMs: number;
  private readonly ttlMs: number;

  constructor(
    @InjectRepository(IdempotencyRecord) private readonly records: Repository<IdempotencyRecord>,
    config: StoreConfig,
  ) {
    // A request makes at most two calls to other services, each bounded by HTTP_TIMEOUT_MS.
    this.leaseMs = 4 * config.HTTP_TIMEOUT_MS;
    this.ttlMs = config.IDEMPOTENCY_TTL_HOURS * HOUR_MS;
  }

  /**
   * Takes the key for this request (run it), or tells what a request with it came to (replay).
   * Throws 422 when the key was used for another request, 409 while it is being worked on.
   */
  async begin(userUid: string, key: string, fingerprint: string): Promise<Begun> {
    // A new record, an expired one (a new request under an old key: a new downstream key), or a
    // RUNNING one nobody holds (its attempt died, or answered 503): taken over, downstream key kept.
    const [taken] = await queryRows<{ downstream_key: string; lease_token: string }>(
      this.records.manager,
      `INSERT INTO idempotency_record
         (user_uid, key, fingerprint, downstream_key, lease_token, state, locked_until, expires_at)
       VALUES ($1, $2, $3, $6, $7, 'RUNNING', now() + $4::int * interval '1 millisecond',
               now() + $5::bigint * interval '1 millisecond')
       ON CONFLICT (user_uid, key) DO UPDATE
         SET fingerprint = EXCLUDED.fingerprint, state = 'RUNNING', status = NULL, body = NULL, location = NULL,
             downstream_key = CASE WHEN idempotency_record.expires_at < now()
                                   THEN EXCLUDED.downstream_key ELSE idempotency_record.downstream_key END,
             lease_token = EXCLUDED.lease_token, locked_until = EXCLUDED.locked_until,
             created_at = now(), expires_at = EXCLUDED.expires_at
         WHERE idempotency_record.expires_at < now()
            OR (idempotency_record.state = 'RUNNING' AND idempotency_record.locked_until < now()
                AND idempotency_record.fingerprint = EXCLUDED.fingerprint)
       RETURNING downstream_key, lease_token`,
      [userUid, key, fingerprint, this.leaseMs, this.ttlMs, randomUUID(), randomUUID()],
    );
    if (taken)
      return { kind: 'run', lease: { downstreamKey: taken.downstream_key, token: taken.lease_token } };
    const record = await this.records.findOneBy({ userUid, key });
    if (!record) return this.begin(userUid, key, fingerprint); // expired and deleted in between
    if (record.fingerprint !== fingerprint) {
      throw new UnprocessableError('This Idempotency-Key was used for another request');
    }
    if (record.state === RecordState.RUNNING) {
      throw new InProgressError('A request with this Idempotency-Key is in progress');
    }
    return {
      kind: 'replay',
      answer: {
        status: record.status as number,
        body: record.body === null ? undefined : (JSON.parse(record.body) as unknown),
        location: record.location ?? undefined,
      },
    };
  }

  /** The request finished with this answer: repeats get it from now on. */
  async finish(userUid: string, key: string, lease: Lease, answer: StoredAnswer): Promise<void> {
    await this.records.update(
      { userUid, key, state: RecordState.RUNNING, leaseToken: lease.token },
      {
        state: RecordState.DONE,
        status: answer.status,
        body: answer.body === undefined ? null : JSON.stringify(answer.body),
        location: answer.location ?? null,
        lockedUntil: null,
        leaseToken: null,
      },
    );
  }

  /**
   * The attempt ended without an answer to keep (a 503, a 409 "still running", a 500): it lets go
   * of the record, and a repeat of the same request takes it over under the same downstream key,
   * so that whatever this attempt may have done is not done twice.
   */
  async release(userUid: string, key: string, lease: Lease): Promise<void> {
    await queryRows(
      this.records.manager,
      `UPDATE idempotency_record SET locked_until = now() - interval '1 millisecond', lease_token = NULL
       WHERE user_uid = $1 AND key = $2 AND state = 'RUNNING' AND lease_token = $3`,
      [userUid, key, lease.token],
    );
  }

  /** The request was refused before anything started (a 400): the key is free for any request. */
  async forget(userUid: string, key: string, lease: Lease): Promise<void> {
    await this.records.delete({ userUid, key, state: RecordState.RUNNING, leaseToken: lease.token });
  }

  /** Deletes up to `limit` expired records; returns how many. */
  async deleteExpired(limit: number): Promise<number> {
    const deleted = await queryRows<{ key: string }>(
      this.records.manager,
      `DELETE FROM idempotency_record
       WHERE (user_uid, key) IN (SELECT user_uid, key FROM idempotency_record WHERE expires_at < now() LIMIT $1)
       RETURNING key`,
      [limit],
    );
    return deleted.length;
  }
}
