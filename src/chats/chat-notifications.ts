import type { SubjectDescriber } from '../social/index.ts';

/**
 * How a chat reminder's chat shows in social's notifications (registered into
 * `social.notificationSubjects` by chats' index.ts): its title, hashtag, start and page.
 */
export function describeChats(config: { baseUrl: string }): SubjectDescriber<'chat'> {
  return async (db, _viewer, ids) => {
    const baseUrl = config.baseUrl;
    const rows = await db
      .selectFrom('chats')
      .innerJoin('chat_series', 'chat_series.id', 'chats.series_id')
      .select(['chats.id', 'chats.date', 'chats.starts_at', 'chat_series.slug', 'chat_series.title', 'chat_series.hashtag_name'])
      .where('chats.id', 'in', ids)
      .execute();
    return new Map(
      rows.map((ch) => [
        ch.id,
        { title: ch.title, hashtag: ch.hashtag_name, startsAt: ch.starts_at, url: `${baseUrl}/chats/${ch.slug}/${ch.date}` },
      ]),
    );
  };
}
