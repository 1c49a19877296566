import type { AsideCard } from '../../web/capability.ts';
import type { ChatsService } from '../service.ts';
import { ChatState, ChatWhen, path, tzOf } from './chat-views.tsx';

/** How many chats the card beside Home names. */
const SHOWN = 3;

/** "Upcoming chats" beside Home and Explore: the next chats of any series (live ones first), each a link to its room. */
export function upcomingChatsCard(service: ChatsService): AsideCard {
  return {
    name: 'chats',
    title: 'Upcoming chats',
    places: ['home', 'explore'],
    order: 20,
    async render(c) {
      const soonest = await service.occurrences.soonest(c.var.viewer, SHOWN);
      return (
        <>
          {soonest.length === 0 ? (
            <p>No chats are coming up.</p>
          ) : (
            <ul class="context-list">
              {soonest.map(({ series, chat }) => (
                <li>
                  <a href={path(chat.url)}>
                    #{series.hashtag}: {chat.topic || series.title}
                  </a>
                  <p class="meta">{chat.state === 'live' ? <ChatState chat={chat} /> : <ChatWhen chat={chat} timeZone={tzOf(c)} />}</p>
                </li>
              ))}
            </ul>
          )}
          <p class="context-card__more">
            <a href="/chats">All chats</a>
          </p>
        </>
      );
    },
  };
}
