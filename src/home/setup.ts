import type { AccountsService } from '../accounts/index.ts';
import type { ChatsService } from '../chats/index.ts';
import type { CurationService } from '../curation/index.ts';
import type { Config } from '../platform/config.ts';
import { DEFAULT_DESCRIPTION, type SiteSettingsValues } from '../platform/settings.ts';
import type { Viewer } from '../platform/viewer.ts';

/**
 * What an administrator sets up on a new server, in order, each item read from the server's
 * state (so it ticks itself whichever page it was done on).
 */

export interface SetupItem {
  title: string;
  text: string;
  href: string;
  done: boolean;
}

export interface SetupDeps {
  config: Pick<Config, 'baseUrl' | 'baseUrlSet' | 'siteName' | 'signupMode'>;
  accounts: Pick<AccountsService, 'listInvites'>;
  chats: Pick<ChatsService, 'series'>;
  curation: Pick<CurationService, 'collections'>;
}

export class SetupService {
  readonly #deps: SetupDeps;

  constructor(deps: SetupDeps) {
    this.#deps = deps;
  }

  async checklist(viewer: Viewer, site: SiteSettingsValues): Promise<SetupItem[]> {
    const { config, accounts, chats, curation } = this.#deps;
    const [invites, series, kits] = await Promise.all([
      accounts.listInvites(),
      chats.series.all(viewer),
      curation.collections.browse(viewer, 'starter_kit', undefined, 1),
    ]);
    return [
      {
        title: 'Name and describe the server',
        text: 'Visitors read them on the front page and in every page title.',
        href: '/admin',
        done: site.siteName !== config.siteName || site.siteDescription !== DEFAULT_DESCRIPTION,
      },
      {
        title: 'Set the public address',
        text: config.baseUrlSet
          ? `Links in invitations and to other servers use ${config.baseUrl}.`
          : 'BASE_URL is not set (see the warning above).',
        href: '/about',
        done: config.baseUrlSet,
      },
      {
        title: 'Decide who can join',
        text: 'Open sign-up, by invitation link, or closed; invitation links can be sent to colleagues.',
        href: site.signupMode === 'invite' ? '/admin/invites' : '/admin',
        done: site.signupMode !== config.signupMode || invites.length > 0,
      },
      {
        title: 'Plan a first chat',
        text: 'A weekly hashtag chat is how members meet: a topic, questions, an hour.',
        href: '/chats/new',
        done: series.length > 0,
      },
      {
        title: 'Make a starter kit',
        text: 'A list of people worth following, for newcomers to follow in one go.',
        href: '/starter-kits',
        done: kits.collections.length > 0,
      },
      {
        title: 'Check federation and starter sources',
        text: 'Which other servers to block or relay, and the journals and blogs offered to newcomers.',
        href: '/admin/federation',
        done: config.baseUrlSet && config.baseUrl.startsWith('https:'),
      },
    ];
  }
}
