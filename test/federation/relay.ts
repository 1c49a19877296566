import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import { generateCryptoKeyPair, signRequest, verifyRequest } from '@fedify/fedify';
import { getDocumentLoader } from '@fedify/vocab-runtime';
import type { Network } from './support.ts';

const PUBLIC = 'https://www.w3.org/ns/activitystreams#Public';
const AS = 'https://www.w3.org/ns/activitystreams';

type Activity = Record<string, unknown> & { id: string; type: string; actor: string; object?: unknown };

export interface Subscriber {
  actor: string;
  inbox: string;
  style: 'mastodon' | 'litepub';
  /** LitePub: whether the subscriber accepted the relay's own Follow of it. */
  followedBack: boolean;
}

/**
 * A small relay on https://relay.test, written after FEP-ae0c (Mastodon and LitePub relay
 * protocols), enough to test a server against:
 *
 * - A Follow of the Public collection subscribes Mastodon-style; a Follow of the relay's actor
 *   subscribes LitePub-style, and the relay then follows the subscriber back, as Pleroma's relay
 *   does. Either way it answers Accept with the Follow embedded. Undo of the Follow unsubscribes.
 * - Create, Update, Delete and Announce from a subscribed server are relayed to every other
 *   subscriber: forwarded as they came to Mastodon-style subscribers (their LD signature or
 *   proof carries the author's word), and as an Announce of the object to LitePub ones.
 * - Every request must carry a valid HTTP Signature of an actor; unsigned or badly signed ones
 *   get 401 (and are kept in `refused`).
 */
export class TestRelay {
  readonly host = 'relay.test';
  readonly actorId = `https://${this.host}/actor`;
  readonly inbox = `https://${this.host}/inbox`;
  readonly subscribers = new Map<string, Subscriber>();
  /** Every activity received with a valid signature, in order, with the signer's key. */
  readonly received: Array<{ activity: Activity; keyId: string }> = [];
  readonly refused: string[] = [];
  #keys: CryptoKeyPair | null = null;
  #publicKeyPem = '';
  #server: Server | null = null;
  readonly #loader = getDocumentLoader({ allowPrivateAddress: true });

  async start(network: Network): Promise<void> {
    this.#keys = await generateCryptoKeyPair('RSASSA-PKCS1-v1_5');
    const spki = Buffer.from(await crypto.subtle.exportKey('spki', this.#keys.publicKey)).toString('base64');
    this.#publicKeyPem = `-----BEGIN PUBLIC KEY-----\n${spki.match(/.{1,64}/g)!.join('\n')}\n-----END PUBLIC KEY-----\n`;
    const { key, cert } = network.issue(this.host);
    this.#server = createServer({ key, cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const url = `https://${this.host}${req.url ?? '/'}`;
        if (req.method === 'GET') {
          if (url.split('?')[0] !== this.actorId) return res.writeHead(404).end();
          return res.writeHead(200, { 'content-type': 'application/activity+json' }).end(JSON.stringify(this.#actorDocument()));
        }
        const headers = new Headers();
        for (const [name, value] of Object.entries(req.headers)) for (const v of [value ?? []].flat()) headers.append(name, v);
        const request = new Request(url, { method: 'POST', headers, body });
        this.#receive(request, body.toString('utf8')).then(
          (status) => res.writeHead(status).end(),
          (error: Error) => res.writeHead(500).end(error.message),
        );
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(443, network.address(this.host), resolve));
  }

  #actorDocument() {
    return {
      '@context': [AS, 'https://w3id.org/security/v1'],
      id: this.actorId,
      type: 'Application',
      preferredUsername: 'relay',
      name: 'Test relay',
      inbox: this.inbox,
      followers: `https://${this.host}/followers`,
      endpoints: { sharedInbox: this.inbox },
      publicKey: { id: `${this.actorId}#main-key`, owner: this.actorId, publicKeyPem: this.#publicKeyPem },
    };
  }

  async #receive(request: Request, body: string): Promise<number> {
    const key = await verifyRequest(request.clone(), { documentLoader: this.#loader, contextLoader: this.#loader });
    if (!key?.id) {
      this.refused.push(body);
      return 401;
    }
    const activity = JSON.parse(body) as Activity;
    this.received.push({ activity, keyId: key.id.href });
    const objectId = (o: unknown) => (typeof o === 'string' ? o : (o as { id?: string } | null)?.id);
    switch (activity.type) {
      case 'Follow': {
        const target = objectId(activity.object);
        const style = target === PUBLIC ? 'mastodon' : target === this.actorId ? 'litepub' : null;
        if (!style) return 202;
        const actor = (await this.#loader(activity.actor)).document as { inbox: string; endpoints?: { sharedInbox?: string } };
        this.subscribers.set(activity.actor, {
          actor: activity.actor,
          inbox: actor.endpoints?.sharedInbox ?? actor.inbox,
          style,
          followedBack: false,
        });
        await this.#send(actor.inbox, {
          '@context': AS,
          id: `https://${this.host}/accepts/${randomUUID()}`,
          type: 'Accept',
          actor: this.actorId,
          object: activity,
        });
        if (style === 'litepub') {
          await this.#send(actor.inbox, {
            '@context': AS,
            id: `https://${this.host}/follows/${randomUUID()}`,
            type: 'Follow',
            actor: this.actorId,
            object: activity.actor,
            to: [activity.actor],
          });
        }
        return 202;
      }
      case 'Accept': {
        const subscriber = this.subscribers.get(activity.actor);
        if (subscriber) subscriber.followedBack = true;
        return 202;
      }
      case 'Undo': {
        const inner = activity.object as Activity | string;
        const follow = typeof inner === 'string' ? null : inner;
        if (!follow || follow.type === 'Follow') this.subscribers.delete(activity.actor);
        return 202;
      }
      case 'Create':
      case 'Update':
      case 'Delete':
      case 'Announce': {
        const from = new URL(activity.actor).host;
        if (![...this.subscribers.keys()].some((s) => new URL(s).host === from)) return 202;
        for (const subscriber of this.subscribers.values()) {
          if (new URL(subscriber.actor).host === from) continue;
          if (subscriber.style === 'mastodon') await this.#send(subscriber.inbox, body);
          else if (activity.type === 'Create' || activity.type === 'Announce') {
            const announce = {
              '@context': AS,
              id: `https://${this.host}/announces/${randomUUID()}`,
              type: 'Announce',
              actor: this.actorId,
              object: objectId(activity.object),
              to: [`https://${this.host}/followers`],
              published: new Date().toISOString(),
            };
            await this.#send(subscriber.inbox, announce);
          }
        }
        return 202;
      }
      default:
        return 202;
    }
  }

  /** POSTs an activity (or a body to forward as it is), signed by the relay (draft-cavage, as relays sign). */
  async #send(inbox: string, activity: unknown): Promise<void> {
    const body = typeof activity === 'string' ? activity : JSON.stringify(activity);
    const request = new Request(inbox, { method: 'POST', headers: { 'content-type': 'application/activity+json' }, body });
    const res = await fetch(await signRequest(request, this.#keys!.privateKey, new URL(`${this.actorId}#main-key`)));
    if (res.status >= 300) throw new Error(`${inbox} answered ${res.status}: ${await res.text()}`);
  }

  /** The activities of `type` received from actors on `host`. */
  from(host: string, type: string): Activity[] {
    return this.received.filter((r) => r.activity.type === type && new URL(r.activity.actor).host === host).map((r) => r.activity);
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
