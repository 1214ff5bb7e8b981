/** What the soak's clients did and were told: the truth the invariants are checked against. */
export type WriteKind = 'purchase' | 'refund' | 'claim';

export interface WriteRecord {
  kind: WriteKind;
  client: number;
  userUid: string;
  /** The Idempotency-Key the client sent with every attempt; undefined for a client that sends none. */
  key?: string;
  startedAt: number;
  endedAt: number;
  orderUid?: string;
  /** The last answer after retrying (0: no answer at all). */
  status: number;
  body: unknown;
  attempts: number;
  /**
   * The last attempt got no answer, or "still running" (409 with Retry-After), when the
   * deadline came: the client does not know what happened, so nothing is checked of it.
   */
  unknown: boolean;
}

export class Ledger {
  readonly writes: WriteRecord[] = [];
  /** Every answer of every request, by "<kind> <status>". */
  readonly answers = new Map<string, number>();
  /** Answers the contract never allows (a 500, a body that is not JSON), with what was asked. */
  readonly refused: string[] = [];

  count(kind: string, status: number): void {
    const key = `${kind} ${status}`;
    this.answers.set(key, (this.answers.get(key) ?? 0) + 1);
  }
}
