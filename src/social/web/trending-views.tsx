import type { AsideCard } from '../../web/capability.ts';
import type { SocialService } from '../service.ts';

/** A trending hashtag: its name, and how many people and posts used it this week. */
export interface Trend {
  slug: string;
  name: string;
  uses: number;
  people: number;
}

/** The hashtags most used this week, most first. */
export function TrendingList({ trending }: { trending: readonly Trend[] }) {
  return (
    <ol class="trending">
      {trending.map((t) => (
        <li>
          <a href={`/tags/${t.slug}`}>#{t.name}</a>{' '}
          <span class="meta">
            {t.people} {t.people === 1 ? 'person' : 'people'}, {t.uses} {t.uses === 1 ? 'post' : 'posts'}
          </span>
        </li>
      ))}
    </ol>
  );
}

/** "Trending this week" beside Home (five hashtags) and Explore (ten): those most used this week. One grouped query. */
export function trendingCard(social: SocialService): AsideCard {
  return {
    name: 'trending',
    title: 'Trending this week',
    places: ['home', 'explore'],
    order: 30,
    async render(_c, place) {
      const trending = await social.timelines.trending(place === 'home' ? 5 : 10);
      return trending.length === 0 ? <p>No hashtags yet this week.</p> : <TrendingList trending={trending} />;
    },
  };
}
