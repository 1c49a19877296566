import { isFeaturable, setFeaturable } from '../accounts/index.ts';
import type { Database } from '../db/database.ts';
import type { PrivacySetting } from '../social/index.ts';

/**
 * Whether others may feature a member in public starter kits and collections: a privacy choice
 * shown with social's own (index.ts registers it with social's privacy settings). Declining
 * takes effect at once: public collections and kits stop showing the member, and no one can
 * add them to one (collection-contents.ts, entry-targets.ts, collections.ts).
 */
export function featurableSetting(database: Database): PrivacySetting {
  return {
    name: 'featurable',
    legend: 'Starter kits',
    label: 'Others may feature me in public starter kits and collections',
    hint: 'When this is off, no one can add you to a public starter kit or collection, and you are left out of the ones that already list you.',
    description: 'Others may feature you in public starter kits and collections',
    summary: {
      read: 'whether others may feature you in public starter kits',
      change: 'allow or decline being featured in public starter kits and collections',
    },
    get: (viewer) => isFeaturable(database.db, viewer.memberId),
    set: (viewer, on) => setFeaturable(database.db, viewer.memberId, on),
  };
}
