import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createMember, type Member, SseStream } from '../social/helpers.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Slow clients ("slowloris") on loopback: a connection that trickles its headers or its body
 * is closed by the server, while a live page's stream (long, but its request is complete) and
 * a slow upload that keeps a reasonable pace go on. The limit is set small here
 * (REQUEST_TIMEOUT=1 s); the proof is the socket being closed, not a measured duration.
 */

let server: TestServer;
let ana: Member;
before(async () => {
  server = await startTestServer({ env: { REQUEST_TIMEOUT: '1' } });
  ana = await createMember(server, 'ana');
});
after(() => server.close());

interface RawConnection {
  socket: Socket;
  /** Resolves when the server closes the connection, with everything it answered. */
  closed: Promise<string>;
  /** Writes `piece` every `everyMs` until the connection is closed (or stop() is called). */
  trickle(piece: string, everyMs: number): void;
  stop(): void;
}

async function rawConnection(): Promise<RawConnection> {
  const { port } = new URL(server.url);
  const socket = connect(Number(port), '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let answer = '';
  socket.on('data', (chunk) => (answer += chunk.toString()));
  // A reset instead of a FIN is a close too.
  socket.on('error', () => {});
  let timer: NodeJS.Timeout | undefined;
  const closed = new Promise<string>((resolve) =>
    socket.once('close', () => {
      clearInterval(timer);
      resolve(answer);
    }),
  );
  return {
    socket,
    closed,
    trickle(piece, everyMs) {
      timer = setInterval(() => {
        if (!socket.destroyed && socket.writable) socket.write(piece);
      }, everyMs);
    },
    stop: () => clearInterval(timer),
  };
}

// Without limits Node keeps such connections for minutes: a test still waiting after this long has failed.
const WAIT = { timeout: 30_000 };

describe('slow clients', () => {
  test('a client that never finishes its headers is disconnected', WAIT, async () => {
    const slow = await rawConnection();
    slow.socket.write(`GET /people HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
    slow.trickle('X-Slow: a\r\n', 100);
    await slow.closed;
    assert.ok(slow.socket.destroyed, 'the server closed the connection');
  });

  test('a client that opens a connection and sends nothing is disconnected', WAIT, async () => {
    const idle = await rawConnection();
    await idle.closed;
    assert.ok(idle.socket.destroyed);
  });

  test('many clients trickling their bodies a byte at a time are all disconnected', WAIT, async () => {
    const connections = await Promise.all(Array.from({ length: 40 }, () => rawConnection()));
    for (const c of connections) {
      c.socket.write(
        'POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nlogin=',
      );
      c.trickle('a', 100);
    }
    const answers = await Promise.all(connections.map((c) => c.closed));
    assert.equal(answers.length, 40);
    for (const c of connections) assert.ok(c.socket.destroyed);
  });

  test('meanwhile a live page stream stays open and a slow but steady upload completes', WAIT, async () => {
    const live = await SseStream.open(`${server.url}/live?timeline=local`);
    try {
      const slowloris = await rawConnection();
      slowloris.socket.write(
        'POST /api/v1/posts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{',
      );
      slowloris.trickle(' ', 200);

      // A JSON post whose body comes in pieces of 1 kB every 200 ms (5 kB/s): on until the
      // trickling client above has been disconnected, then a few more pieces, then the end.
      const upload = await rawConnection();
      upload.socket.write(
        `POST /api/v1/posts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${ana.token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`,
      );
      const chunk = (text: string) => upload.socket.write(`${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`);
      chunk('{"text": "Sent slowly, but steadily"');
      let afterwards = 0;
      let slowlorisClosed = false;
      void slowloris.closed.then(() => (slowlorisClosed = true));
      await new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          chunk(' '.repeat(1000));
          if (slowlorisClosed && ++afterwards >= 5) {
            clearInterval(timer);
            resolve();
          }
        }, 200);
      });
      assert.ok(!upload.socket.destroyed, 'the steady upload is still connected after the trickling one was cut');
      chunk('}');
      upload.socket.write('0\r\n\r\n');
      const answer = await upload.closed;
      assert.match(answer, /^HTTP\/1\.1 201 /, answer.slice(0, 200));
      const id = JSON.parse(
        answer
          .slice(answer.indexOf('\r\n\r\n') + 4)
          .replace(/^[0-9a-f]+\r\n/, '')
          .replace(/\r\n0\r\n\r\n$/, ''),
      ).id as number;

      // The live stream outlived every cut above, and still delivers.
      await live.nextPost(id, 5000);
    } finally {
      live.close();
    }
  });
});
