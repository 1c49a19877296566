import { type Migration, type MigrationResultSet, Migrator } from 'kysely/migration';
import type { Database } from './database.ts';
import { type Ddl, ddl } from './ddl.ts';
import * as m0001 from './migrations/0001_foundation.ts';
import * as m0002 from './migrations/0002_social.ts';
import * as m0003 from './migrations/0003_feeds.ts';
import * as m0004 from './migrations/0004_chats.ts';
import * as m0005 from './migrations/0005_federation.ts';
import * as m0006 from './migrations/0006_bookmarks.ts';
import * as m0007 from './migrations/0007_collections.ts';
import * as m0008 from './migrations/0008_articles.ts';
import * as m0009 from './migrations/0009_suggestions.ts';
import * as m0010 from './migrations/0010_cohorts.ts';
import * as m0011 from './migrations/0011_goals.ts';
import * as m0012 from './migrations/0012_routine.ts';
import * as m0013 from './migrations/0013_suggestion_pools.ts';
import * as m0014 from './migrations/0014_read_times.ts';
import * as m0015 from './migrations/0015_federation_profiles.ts';
import * as m0016 from './migrations/0016_reports.ts';
import * as m0017 from './migrations/0017_live_events.ts';
import * as m0018 from './migrations/0018_source_lease_owner.ts';
import * as m0019 from './migrations/0019_plain_display_names.ts';
import * as m0020 from './migrations/0020_passion_matching.ts';
import * as m0021 from './migrations/0021_mail.ts';

/** The one migration history, in order. Append; never edit a migration that has shipped. */
const MIGRATIONS: Array<[name: string, up: (ddl: Ddl) => Promise<void>]> = [
  ['0001_foundation', m0001.up],
  ['0002_social', m0002.up],
  ['0003_feeds', m0003.up],
  ['0004_chats', m0004.up],
  ['0005_federation', m0005.up],
  ['0006_bookmarks', m0006.up],
  ['0007_collections', m0007.up],
  ['0008_articles', m0008.up],
  ['0009_suggestions', m0009.up],
  ['0010_cohorts', m0010.up],
  ['0011_goals', m0011.up],
  ['0012_routine', m0012.up],
  ['0013_suggestion_pools', m0013.up],
  ['0014_read_times', m0014.up],
  ['0015_federation_profiles', m0015.up],
  ['0016_reports', m0016.up],
  ['0017_live_events', m0017.up],
  ['0018_source_lease_owner', m0018.up],
  ['0019_plain_display_names', m0019.up],
  ['0020_passion_matching', m0020.up],
  ['0021_mail', m0021.up],
];

function migrator(database: Database): Migrator {
  return new Migrator({
    db: database.db,
    provider: {
      async getMigrations() {
        const migrations: Record<string, Migration> = {};
        for (const [name, up] of MIGRATIONS) migrations[name] = { up: (db) => up(ddl(db, database.dialect)) };
        return migrations;
      },
    },
  });
}

export class MigrationError extends Error {}

/** Applies pending migrations; returns the names applied. */
export async function migrateToLatest(database: Database): Promise<string[]> {
  const { error, results }: MigrationResultSet = await migrator(database).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    // No migration ran (e.g. the database is unreachable): the original error says it best.
    if (!failed) throw error;
    throw new MigrationError(`migration ${failed} failed: ${(error as Error).message ?? String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export async function migrationStatus(database: Database): Promise<Array<{ name: string; appliedAt: Date | null }>> {
  const list = await migrator(database).getMigrations();
  return list.map((m) => ({ name: m.name, appliedAt: m.executedAt ?? null }));
}
