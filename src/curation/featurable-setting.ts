import type { PrivacySetting } from '../social/index.ts';
import type { CollectionsService } from './collections.ts';

/**
 * "Others may feature me in public starter kits and collections": curation's choice on social's
 * privacy settings page and in its privacy API (registered into `social.privacy` by index.ts).
 */
export function featurableSetting(collections: CollectionsService): PrivacySetting {
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
    get: (viewer) => collections.isFeaturable(viewer),
    set: (viewer, on) => collections.setFeaturable(viewer, on),
  };
}
