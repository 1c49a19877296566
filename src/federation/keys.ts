import { exportJwk, generateCryptoKeyPair, importJwk } from '@fedify/fedify';
import type { Database } from '../db/database.ts';

const ALGORITHMS = ['RSASSA-PKCS1-v1_5', 'Ed25519'] as const;

/**
 * Key pairs of local actors: RSA (HTTP Signatures, what Mastodon verifies) and Ed25519 (object
 * integrity proofs, FEP-8b32). Made on first use and stored, so every process signs with the same
 * keys; imported keys are cached in memory.
 */
export class ActorKeysService {
  readonly #database: Database;
  readonly #cache = new Map<string, Promise<CryptoKeyPair[]>>();

  constructor(deps: { database: Database }) {
    this.#database = deps.database;
  }

  /** `owner` is `user:<handle>`, `chat:<slug>` or `site`. */
  pairs(owner: string): Promise<CryptoKeyPair[]> {
    let pending = this.#cache.get(owner);
    if (!pending) {
      pending = this.#load(owner);
      pending.catch(() => this.#cache.delete(owner));
      this.#cache.set(owner, pending);
    }
    return pending;
  }

  async #load(owner: string): Promise<CryptoKeyPair[]> {
    const db = this.#database.db;
    const rows = await db.selectFrom('actor_keys').selectAll().where('owner', '=', owner).execute();
    for (const algorithm of ALGORITHMS) {
      if (rows.some((r) => r.algorithm === algorithm)) continue;
      const pair = await generateCryptoKeyPair(algorithm);
      const values = {
        owner,
        algorithm,
        public_jwk: JSON.stringify(await exportJwk(pair.publicKey)),
        private_jwk: JSON.stringify(await exportJwk(pair.privateKey)),
        created_at: Date.now(),
      };
      // Two processes may race to make the first keys: the first one stored wins.
      await db
        .insertInto('actor_keys')
        .values(values)
        .onConflict((oc) => oc.columns(['owner', 'algorithm']).doNothing())
        .execute();
    }
    const stored = await db.selectFrom('actor_keys').selectAll().where('owner', '=', owner).execute();
    const ordered = ALGORITHMS.map((algorithm) => stored.find((r) => r.algorithm === algorithm)!);
    return Promise.all(
      ordered.map(async (row) => ({
        publicKey: await importJwk(JSON.parse(row.public_jwk), 'public'),
        privateKey: await importJwk(JSON.parse(row.private_jwk), 'private'),
      })),
    );
  }
}
