/**
 * Small inline SVG icons by name, drawn on a 24×24 grid with the current text colour. They are
 * decorative: the text beside them (visible or visually hidden) names the place.
 */

const PATHS: Record<string, string> = {
  home: 'M3.5 10.5 12 3.5l8.5 7V20a.5.5 0 0 1-.5.5h-5v-6h-6v6H4a.5.5 0 0 1-.5-.5z',
  people:
    'M9 11.5a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zM2.5 20c.8-3.6 3.4-5.5 6.5-5.5s5.7 1.9 6.5 5.5M16.5 11a2.5 2.5 0 1 0 0-5M17 14.6c2.4.1 4 1.8 4.5 4.4',
  explore: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM15.5 8.5l-2 5-5 2 2-5z',
  sources: 'M5 11a8 8 0 0 1 8 8M5 4.5A14.5 14.5 0 0 1 19.5 19M6 19.5a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3z',
  chats: 'M4 5h16v11H10l-5 4v-4H4z',
  library: 'M5 5.5A1.5 1.5 0 0 1 6.5 4H19v13H7a2 2 0 0 0-2 2zM5 19a2 2 0 0 0 2 2h12v-4M9 8h6',
  insights: 'M4 4v16h16M8 16v-4M12 16V8M16 16v-6',
  groups:
    'M12 10a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM6.5 20c.5-3.5 2.6-5.5 5.5-5.5s5 2 5.5 5.5M5.5 12a2 2 0 1 0 0-4M18.5 12a2 2 0 1 0 0-4M2.5 18c.3-1.8 1.3-3 2.8-3.4M21.5 18c-.3-1.8-1.3-3-2.8-3.4',
  bell: 'M6 16.5V11a6 6 0 0 1 12 0v5.5l1.5 1.5h-15zM10 20.5a2 2 0 0 0 4 0',
  settings:
    'M4 6.5h9M17 6.5h3M4 12h3M11 12h9M4 17.5h11M19 17.5h1M15 8.5a2 2 0 1 0 0-4 2 2 0 0 0 0 4zM9 14a2 2 0 1 0 0-4 2 2 0 0 0 0 4zM17 19.5a2 2 0 1 0 0-4 2 2 0 0 0 0 4z',
  shield: 'M12 3l7.5 3v5.5c0 4.4-3.1 8.1-7.5 9.5-4.4-1.4-7.5-5.1-7.5-9.5V6z',
  more: 'M5 13a1 1 0 1 0 0-2 1 1 0 0 0 0 2zM12 13a1 1 0 1 0 0-2 1 1 0 0 0 0 2zM19 13a1 1 0 1 0 0-2 1 1 0 0 0 0 2z',
  user: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4.5 21c.9-4.2 3.9-6.5 7.5-6.5s6.6 2.3 7.5 6.5',
  'sign-out': 'M10 4H5v16h5M15 8l4 4-4 4M19 12H9',
  sun: 'M12 16a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM12 2.5v2M12 19.5v2M2.5 12h2M19.5 12h2M5.3 5.3l1.4 1.4M17.3 17.3l1.4 1.4M5.3 18.7l1.4-1.4M17.3 6.7l1.4-1.4',
  moon: 'M19.5 14.5A8 8 0 0 1 9.5 4.5a8 8 0 1 0 10 10z',
  system: 'M3.5 5h17v11h-17zM8.5 20h7M12 16v4',
  dot: 'M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z',
};

/** Other names for the same drawings, so a navigation entry can say what it means. */
const ALIASES: Record<string, string> = {
  rss: 'sources',
  feeds: 'sources',
  chart: 'insights',
  admin: 'shield',
  notifications: 'bell',
  profile: 'user',
  menu: 'more',
  stream: 'home',
  directory: 'people',
};

/** The icon names `Icon` knows (an unknown name draws the neutral default). */
export const ICON_NAMES: readonly string[] = [...Object.keys(PATHS), ...Object.keys(ALIASES)];

/** An inline SVG icon; an unknown or missing name draws a neutral dot. */
export function Icon({ name, size = 24 }: { name?: string | undefined; size?: number }) {
  const key = name === undefined ? 'dot' : (ALIASES[name] ?? name);
  const d = PATHS[key] ?? PATHS.dot!;
  return (
    <svg
      class="icon"
      viewBox="0 0 24 24"
      width={size}
      height={size}
      aria-hidden="true"
      focusable="false"
      fill="none"
      stroke="currentColor"
      stroke-width="1.8"
      stroke-linecap="round"
      stroke-linejoin="round"
    >
      <path d={d} />
    </svg>
  );
}
