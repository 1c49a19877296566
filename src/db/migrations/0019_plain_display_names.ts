import type { Ddl } from '../ddl.ts';

/**
 * Display names lose their bidirectional embedding, override and isolate controls
 * (U+202A–U+202E, U+2066–U+2069) where they come in (platform/sanitize.ts, plainName): this
 * cleans the names stored before, local and remote. Running it again changes nothing. (The
 * rule is written out here, as it stood, so that this migration never changes.)
 */
export async function up({ db }: Ddl): Promise<void> {
  const controls = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069'];
  const rows: Array<{ id: number; display_name: string }> = await db
    .selectFrom('actors')
    .select(['id', 'display_name'])
    .where((eb) => eb.or(controls.map((c) => eb('display_name', 'like', `%${c}%`))))
    .execute();
  for (const row of rows) {
    await db
      .updateTable('actors')
      .set({ display_name: row.display_name.replace(/[\u202A-\u202E\u2066-\u2069]/g, '') })
      .where('id', '=', row.id)
      .execute();
  }
}
