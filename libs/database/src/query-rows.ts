import type { EntityManager } from 'typeorm';

/**
 * Runs hand-written SQL (a conditional update, a CTE) and returns its rows. TypeORM's
 * `manager.query` shapes UPDATE results differently from SELECTs; the structured result
 * does not.
 */
export async function queryRows<T>(
  manager: EntityManager,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result = await runner.query(sql, params, true);
    return result.records as T[];
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}
