import type { Federation } from '@fedify/fedify';
import type { Database } from '../db/database.ts';
import type { SocialService } from '../social/index.ts';

export interface NodeInfoDeps {
  database: Database;
  version: string;
  social: Pick<SocialService, 'postRows'>;
  site: () => Promise<{ name: string; openRegistrations: boolean }>;
}

/** Serves our NodeInfo (software, members, posts); other servers' is read by server-software.ts. */
export function registerNodeInfo(federation: Federation<void>, deps: NodeInfoDeps): void {
  federation.setNodeInfoDispatcher('/nodeinfo/2.1', async () => {
    const members = await deps.database.db
      .selectFrom('members')
      .select((eb) => [eb.fn.countAll<number>().as('total'), eb.fn.count<number>('last_login_at').as('active')])
      .where('suspended_at', 'is', null)
      .executeTakeFirstOrThrow();
    const posts = await deps.social.postRows.count({ local: true, live: true, originals: true });
    const site = await deps.site();
    return {
      software: { name: 'commonroom', version: deps.version, repository: new URL('https://github.com/commonroom/commonroom') },
      protocols: ['activitypub'],
      openRegistrations: site.openRegistrations,
      usage: {
        users: { total: Number(members.total), activeHalfyear: Number(members.active), activeMonth: Number(members.active) },
        localPosts: posts,
        localComments: 0,
      },
      metadata: { nodeName: site.name },
    };
  });
}
