import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

/** What the test server answers at one step: nothing special (accept), or an SMTP error code and text. */
export type SmtpAnswer = { code: number; message: string } | null;

export interface SmtpSink {
  /** smtp://user:secret@127.0.0.1:PORT, for SMTP_URL. */
  url: string;
  port: number;
  /** Every message accepted so far, parsed, in order. */
  messages: ParsedMail[];
  /** The raw text of each accepted message. */
  raw: string[];
  /** Every RCPT TO the server was given (accepted or not). */
  recipients: string[];
  /** Connections made so far. */
  connections: number;
  /** Messages whose content the server began to receive (accepted or not). */
  dataStarted: number;
  /** Decides the answer to each RCPT TO (default: accept); a promise holds the answer back. */
  onRecipient: (address: string) => SmtpAnswer | Promise<SmtpAnswer>;
  /** Called when a message's data begins; resolving lets it finish (tests hold it to kill a worker meanwhile). */
  onData: () => Promise<void>;
  /** Waits until `count` messages were accepted. */
  waitFor(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

const USER = 'commonroom';
const PASS = 'sink secret';

/**
 * A real SMTP server on loopback (npm smtp-server), with mailparser reading each message: what a
 * mail server would receive. It requires the login in its URL (plain text is allowed, on
 * loopback), and a test can make it refuse recipients or hold a message midway.
 */
export async function startSmtpServer(options: { port?: number } = {}): Promise<SmtpSink> {
  const sink: SmtpSink = {
    url: '',
    port: 0,
    messages: [],
    raw: [],
    recipients: [],
    connections: 0,
    dataStarted: 0,
    onRecipient: () => null,
    onData: async () => {},
    async waitFor(count, timeoutMs = 10_000) {
      const end = Date.now() + timeoutMs;
      while (sink.messages.length < count) {
        if (Date.now() > end) throw new Error(`expected ${count} messages, got ${sink.messages.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return sink.messages;
    },
    close: async () => {},
  };
  const refuse = (answer: SmtpAnswer) => {
    if (!answer) return null;
    return Object.assign(new Error(answer.message), { responseCode: answer.code });
  };
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onConnect(_session, callback) {
      sink.connections++;
      callback();
    },
    onAuth(auth, _session, callback) {
      if (auth.username === USER && auth.password === PASS) callback(null, { user: USER });
      else callback(Object.assign(new Error('535 Authentication failed'), { responseCode: 535 }));
    },
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      sink.recipients.push(address.address);
      void Promise.resolve(sink.onRecipient(address.address)).then((answer) => callback(refuse(answer)));
    },
    onData(stream, _session, callback) {
      sink.dataStarted++;
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        void (async () => {
          await sink.onData();
          const raw = Buffer.concat(chunks);
          sink.raw.push(raw.toString('utf8'));
          sink.messages.push(await simpleParser(raw));
          callback();
        })();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  sink.port = (server.server.address() as AddressInfo).port;
  sink.url = `smtp://${USER}:${encodeURIComponent(PASS)}@127.0.0.1:${sink.port}`;
  sink.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return sink;
}
