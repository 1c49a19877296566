import type { ColumnDefinitionBuilder, CreateTableBuilder, Kysely } from 'kysely';
import type { Dialect } from './database.ts';

/**
 * What a migration gets: the database and helpers so one migration history builds the same
 * schema on SQLite and PostgreSQL.
 *
 * `any` here is Kysely's documented type for migrations: they describe tables as they were
 * at the time, which the current typed schema may no longer match.
 */
export interface Ddl {
  // biome-ignore lint/suspicious/noExplicitAny: see above
  db: Kysely<any>;
  dialect: Dialect;
  /** Adds `id`, an integer primary key the database generates. */
  id<T extends CreateTableBuilder<string, string>>(table: T): T;
}

// biome-ignore lint/suspicious/noExplicitAny: see Ddl
export function ddl(db: Kysely<any>, dialect: Dialect): Ddl {
  return {
    db,
    dialect,
    id(table) {
      const column =
        dialect === 'sqlite'
          ? (c: ColumnDefinitionBuilder) => c.primaryKey().autoIncrement()
          : (c: ColumnDefinitionBuilder) => c.primaryKey().generatedByDefaultAsIdentity();
      return table.addColumn('id', dialect === 'sqlite' ? 'integer' : 'bigint', column) as typeof table;
    },
  };
}
