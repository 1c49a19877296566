import type { SubjectDescriber } from '../social/index.ts';

/**
 * How a collection or starter kit shows in social's notifications (registered into
 * `social.notificationSubjects` by curation's index.ts). Only those the member may still see:
 * one made private again drops out, and its notifications with it.
 */
export function describeCollections(config: { baseUrl: string }): SubjectDescriber<'collection'> {
  return async (db, viewer, ids) => {
    const rows = await db
      .selectFrom('collections')
      .select(['id', 'kind', 'title'])
      .where('id', 'in', ids)
      .where((eb) =>
        eb.or([
          eb('visibility', '<>', 'private'),
          eb('owner_id', '=', viewer.memberId),
          eb.exists(
            eb
              .selectFrom('collection_collaborators as cc')
              .select('cc.member_id')
              .whereRef('cc.collection_id', '=', 'collections.id')
              .where('cc.member_id', '=', viewer.memberId),
          ),
        ]),
      )
      .execute();
    return new Map(
      rows.map((co) => [
        co.id,
        {
          id: co.id,
          kind: co.kind,
          title: co.title,
          url: `${config.baseUrl}/${co.kind === 'starter_kit' ? 'starter-kits' : 'collections'}/${co.id}`,
        },
      ]),
    );
  };
}
