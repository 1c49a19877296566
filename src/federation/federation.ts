import { type Context, createFederation, type Federation } from '@fedify/fedify';
import type { Database } from '../db/database.ts';
import type { Jobs } from '../jobs/jobs.ts';
import type { HttpClient } from '../platform/http.ts';
import type { Logger } from '../platform/logger.ts';
import type { SocialService } from '../social/index.ts';
import type { ChatGroups } from './chat-groups.ts';
import { registerCollections } from './collections.ts';
import { ActorKeysService } from './keys.ts';
import { DatabaseKvStore } from './kv.ts';
import type { LinkedArticles } from './linked-articles.ts';
import { authenticatedLoaderFactory, documentLoaderFactory, type SignedGet, type SigningIdentity, signedGet } from './loader.ts';
import { type LocalActorOf, registerLocalActors, SITE_ACTOR } from './local-actors.ts';
import { registerNodeInfo } from './nodeinfo.ts';
import { type DeliveryObserver, JobsMessageQueue } from './queue.ts';

/** Fedify's federation and what is made with it; the inbox listeners are added by inbox.ts. */
export interface FederationParts {
  federation: Federation<void>;
  keys: ActorKeysService;
  kv: DatabaseKvStore;
  /** Fedify's message queue on our jobs (its jobs are declared in index.ts). */
  queue: JobsMessageQueue;
  /** A context for work outside a request (jobs). */
  context(): Context<void>;
  /** A local actor's document: a member's Person, a chat series' Group, the server's Application. */
  actor: LocalActorOf;
  /** A GET signed as the instance actor, through our HTTP client (WebFinger, NodeInfo; documents go through Fedify's loaders, which use it too). */
  get: SignedGet;
}

export interface FederationPartsDeps {
  database: Database;
  jobs: Jobs;
  http: HttpClient;
  logger: Logger;
  baseUrl: string;
  version: string;
  social: Pick<SocialService, 'postRows' | 'remoteFollows'>;
  chatGroups: ChatGroups;
  articles: LinkedArticles;
  site: () => Promise<{ name: string; openRegistrations: boolean }>;
  observeDelivery?: DeliveryObserver;
  /** Time limit of one delivery request. */
  deliveryTimeoutMs: number;
}

/**
 * How long deliveries to a host whose circuit breaker is open are held before they are dropped:
 * about as long as a failing delivery is retried (see queue.ts), instead of Fedify's week.
 */
const HELD_DELIVERY_HOURS = 36;

/** Builds the Fedify federation: actors and keys (local-actors.ts), collections and posts (collections.ts), NodeInfo. */
export function buildFederation(deps: FederationPartsDeps): FederationParts {
  const { database, baseUrl } = deps;
  const kv = new DatabaseKvStore(database);
  const keys = new ActorKeysService({ database });
  // Every fetch is signed as the instance actor (GoToSocial, and Mastodon in secure mode, answer 401 otherwise).
  let siteIdentity: Promise<SigningIdentity> | null = null;
  const identity = (): Promise<SigningIdentity> => {
    siteIdentity ??= federation
      .createContext(new URL(baseUrl), undefined)
      .getActorKeyPairs(SITE_ACTOR)
      .then((pairs) => {
        const rsa = pairs.find((p) => p.privateKey.algorithm.name === 'RSASSA-PKCS1-v1_5');
        if (!rsa) throw new Error('the instance actor has no RSA key');
        return { keyId: rsa.keyId, privateKey: rsa.privateKey };
      });
    siteIdentity.catch(() => (siteIdentity = null));
    return siteIdentity;
  };
  const get = signedGet(deps.http, identity);
  const queue = new JobsMessageQueue({
    jobs: deps.jobs,
    http: deps.http,
    deliveryTimeoutMs: deps.deliveryTimeoutMs,
    observe: deps.observeDelivery,
  });
  const federation = createFederation<void>({
    kv,
    queue,
    circuitBreaker: {
      heldActivityTtl: { hours: HELD_DELIVERY_HOURS },
      onActivityDrop: (_host, dropped) =>
        deps.observeDelivery?.(dropped.inbox.href, false, `held ${HELD_DELIVERY_HOURS} h while the server kept failing; dropped`),
    },
    manuallyStartQueue: true,
    origin: baseUrl,
    documentLoaderFactory: documentLoaderFactory(get),
    contextLoaderFactory: documentLoaderFactory(get),
    authenticatedDocumentLoaderFactory: authenticatedLoaderFactory(get),
    // Mastodon rejects requests whose Date is off by more than 12 h; we accept the same window.
    signatureTimeWindow: { hours: 12 },
  });

  const actor = registerLocalActors(federation, { database, baseUrl, keys, chatGroups: deps.chatGroups, site: deps.site });
  registerCollections(federation, { database, baseUrl, social: deps.social, chatGroups: deps.chatGroups, articles: deps.articles });
  registerNodeInfo(federation, { database, version: deps.version, social: deps.social, site: deps.site });

  return { federation, keys, kv, queue, context: () => federation.createContext(new URL(baseUrl), undefined), actor, get };
}
