import { stemmer } from 'stemmer';
import type { Ddl } from '../ddl.ts';

/**
 * Passions that find people (accounts/passion-vocabulary.ts): every passion gets a match key
 * (its slug stemmed, so "Storytimes", "story time" and "Storytime" meet), and the related
 * passions, a vocabulary of groups administrators edit (/admin/passions), start with the default
 * below. The key rule is written out here as it stood (letters and digits, lower-cased, then the
 * Porter stemmer of `stemmer` 2.0.1), so that this migration never changes; a later change of the
 * rule needs a migration that computes the keys again.
 */

const key = (name: string) =>
  stemmer(
    name
      .normalize('NFKC')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ''),
  );

/** The default related passions: librarians, teachers and social workers, one group a line. */
const DEFAULT_GROUPS = [
  'Storytime, Early literacy, Lapsit, Family literacy, Emergent literacy',
  "Youth services, Teen services, Children's services, Young adult services, Youth librarianship",
  'Genrefication, Collection organisation, Collection organization, Shelving, Library layout',
  "Book talks, Readers' advisory, Book recommendations, Book clubs",
  'Child welfare, Foster care, Child protection, Kinship care, Adoption',
  'Makerspaces, STEM, STEAM, Maker education, Tinkering, Robotics, Coding',
  'Information literacy, Media literacy, Digital literacy, News literacy, Research skills',
  'Graphic novels, Comics, Manga',
  'Intellectual freedom, Censorship, Book challenges, Banned books, Freedom to read',
  'Trauma-informed practice, Trauma-informed care, Adverse childhood experiences, ACEs',
  'Social-emotional learning, SEL, Mental health, Wellbeing',
  'Collection development, Weeding, Acquisitions, Collection management',
  'Diverse books, Diversity, Equity and inclusion, DEI, Representation, Inclusive collections',
  'School libraries, School librarianship, Teacher librarians',
  'Edtech, Educational technology, Instructional technology, Digital learning',
  'Reading promotion, Reading engagement, Reluctant readers, Reading for pleasure',
  'Library advocacy, Advocacy, Library funding, Library legislation',
  'Outreach, Community engagement, Community partnerships, Community outreach',
  'Cataloguing, Cataloging, Metadata, Classification',
  'Open educational resources, OER, Open access, Open textbooks',
  'Special education, Accessibility, Universal design for learning, UDL, Disability inclusion',
  'English language learners, ELL, ESL, Multilingual learners',
  'Homelessness, Housing, Poverty, Food insecurity',
  'Family engagement, Family support, Parenting, Parent education',
  'Professional development, Professional learning, Continuing education, Personal learning networks',
  'Project-based learning, Inquiry-based learning, Inquiry learning',
  'Substance use, Addiction, Recovery, Harm reduction',
  'Gaming, Games in libraries, Board games, Video games, Esports',
  'Local history, Archives, Genealogy, Special collections',
  'Picture books, Children’s literature, Kidlit',
  'Young adult literature, YA, YA literature, Teen books',
  'Poetry, Creative writing, Writing workshops',
];

export async function up({ db }: Ddl): Promise<void> {
  await db.schema
    .alterTable('passions')
    .addColumn('match_key', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  const passions: Array<{ id: number; slug: string }> = await db.selectFrom('passions').select(['id', 'slug']).execute();
  for (const passion of passions) {
    await db
      .updateTable('passions')
      .set({ match_key: key(passion.slug) })
      .where('id', '=', passion.id)
      .execute();
  }
  await db.schema.createIndex('passions_match_key').on('passions').columns(['match_key', 'id']).execute();

  await db.schema
    .createTable('related_passions')
    .addColumn('group_id', 'integer', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('match_key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('related_passions_pk', ['group_id', 'position'])
    .execute();
  await db.schema.createIndex('related_passions_key').on('related_passions').columns(['match_key', 'group_id']).execute();
  const rows = DEFAULT_GROUPS.flatMap((line, g) =>
    line.split(',').map((name, position) => ({ group_id: g + 1, position, name: name.trim(), match_key: key(name) })),
  );
  await db.insertInto('related_passions').values(rows).execute();
}
