import type { IncomingHttpHeaders } from 'node:http';
import { createServer, type Server } from 'node:https';
import { generateCryptoKeyPair, signRequest } from '@fedify/fedify';
import type { Network } from './support.ts';

export interface FakeActor {
  id: string;
  keyId: string;
  privateKey: CryptoKey;
  publicKeyPem: string;
}

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A stand-in for another fediverse server (a Mastodon, a Misskey …) on https://<host>: it
 * serves actor documents with real public keys, records what is delivered to its inboxes, and
 * can be told to answer 500, never answer, or redirect in a loop.
 */
export class FakeRemote {
  readonly host: string;
  readonly received: Received[] = [];
  readonly documents = new Map<string, unknown>();
  behaviour: 'ok' | 'error' | 'hang' | 'redirect-loop' = 'ok';
  /** Every GET it answered (documents, WebFinger, NodeInfo), with its headers. */
  readonly fetched: Received[] = [];
  /** Asked before a GET is answered: a status to refuse it with (as a server that requires signed fetches does), or null. */
  guard: ((request: Request) => Promise<number | null>) | null = null;
  #server: Server | null = null;

  constructor(host: string) {
    this.host = host;
  }

  async start(network: Network): Promise<void> {
    const { key, cert } = network.issue(this.host);
    this.#server = createServer({ key, cert }, (req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const path = req.url ?? '/';
        if (req.method === 'POST') {
          this.received.push({ path, headers: req.headers, body });
          if (this.behaviour === 'hang') return; // never answers
          if (this.behaviour === 'error') return res.writeHead(500).end('oops');
          if (this.behaviour === 'redirect-loop') return res.writeHead(307, { location: path }).end();
          return res.writeHead(202).end();
        }
        void this.#get(path, req.headers).then(({ status, doc }) => {
          if (!doc) return res.writeHead(status).end();
          res
            .writeHead(status, {
              'content-type': path.startsWith('/.well-known/webfinger') ? 'application/jrd+json' : 'application/activity+json',
            })
            .end(JSON.stringify(doc));
        });
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(443, network.address(this.host), resolve));
  }

  /** A document (WebFinger answers from the actors it serves), after the guard. */
  async #get(path: string, headers: IncomingHttpHeaders): Promise<{ status: number; doc?: unknown }> {
    this.fetched.push({ path, headers, body: '' });
    if (this.guard) {
      const flat = Object.entries(headers).flatMap(([name, value]) => [value ?? []].flat().map((v) => [name, v] as [string, string]));
      const refused = await this.guard(new Request(`https://${this.host}${path}`, { headers: flat }));
      if (refused) return { status: refused };
    }
    const url = new URL(`https://${this.host}${path}`);
    if (url.pathname === '/.well-known/webfinger') {
      const user = /^acct:([^@]+)@/.exec(url.searchParams.get('resource') ?? '')?.[1];
      const id = `https://${this.host}/users/${user}`;
      if (!user || !this.documents.has(id)) return { status: 404 };
      return {
        status: 200,
        doc: { subject: `acct:${user}@${this.host}`, links: [{ rel: 'self', type: 'application/activity+json', href: id }] },
      };
    }
    const doc = this.documents.get(`https://${this.host}${url.pathname}`);
    return doc ? { status: 200, doc } : { status: 404 };
  }

  /** Makes an actor with an RSA key; `extra` adds or replaces fields of its document. */
  async actor(name: string, extra: Record<string, unknown> = {}): Promise<FakeActor> {
    const pair = await generateCryptoKeyPair('RSASSA-PKCS1-v1_5');
    const spki = Buffer.from(await crypto.subtle.exportKey('spki', pair.publicKey)).toString('base64');
    const publicKeyPem = `-----BEGIN PUBLIC KEY-----\n${spki.match(/.{1,64}/g)!.join('\n')}\n-----END PUBLIC KEY-----\n`;
    const id = `https://${this.host}/users/${name}`;
    this.documents.set(id, {
      '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/security/v1'],
      id,
      type: 'Person',
      preferredUsername: name,
      name: name[0]!.toUpperCase() + name.slice(1),
      inbox: `${id}/inbox`,
      endpoints: { sharedInbox: `https://${this.host}/inbox` },
      publicKey: { id: `${id}#main-key`, owner: id, publicKeyPem },
      ...extra,
    });
    return { id, keyId: `${id}#main-key`, privateKey: pair.privateKey, publicKeyPem };
  }

  /** POSTs an activity to `inbox`, signed as `actor` (draft-cavage HTTP Signatures, as Mastodon signs). */
  static async send(inbox: string, activity: unknown, actor: FakeActor | null, options: { body?: string } = {}): Promise<Response> {
    const body = options.body ?? JSON.stringify(activity);
    let request = new Request(inbox, { method: 'POST', headers: { 'content-type': 'application/activity+json' }, body });
    if (actor) request = await signRequest(request, actor.privateKey, new URL(actor.keyId));
    return fetch(request);
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
