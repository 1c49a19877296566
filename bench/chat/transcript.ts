import { TimingClient } from '../lib/http.ts';
import { type Quantiles, quantiles } from './analysis.ts';

/**
 * Times a finished chat's transcript in every form people fetch it: the JSON API and the
 * downloads (built from the database on each request; nothing is cached), plus the transcript
 * page itself. Formats take turns round after round, so none is always the cold one.
 */

export interface TranscriptTiming {
  label: string;
  path: string;
  /** Time to the last byte, per request. */
  ms: Quantiles;
  /** The first request of the format (the very first one also warms the server up). */
  firstMs: number;
  bytes: number;
}

export interface TranscriptCheck {
  /** counts.posts and participants of the API's transcript. */
  posts: number;
  answers: number;
  participants: number;
  questions: number;
}

export async function timeTranscript(
  baseUrl: string,
  slug: string,
  date: string,
  token: string,
  repeats: number,
): Promise<{ timings: TranscriptTiming[]; check: TranscriptCheck }> {
  const base = `/chats/${slug}/${date}`;
  const targets = [
    { label: 'API  GET /api/v1/chats/…/transcript', path: `/api/v1/chats/${slug}/${date}/transcript`, token },
    { label: 'download transcript.md', path: `${base}/transcript.md` },
    { label: 'download transcript.html', path: `${base}/transcript.html` },
    { label: 'download transcript.csv', path: `${base}/transcript.csv` },
    { label: 'download transcript.json', path: `${base}/transcript.json` },
    { label: 'page  GET /chats/…/{date} (ended: transcript)', path: base },
  ];
  const client = new TimingClient(baseUrl);
  const samples = targets.map(() => [] as number[]);
  const sizes = targets.map(() => 0);
  let check: TranscriptCheck | null = null;
  try {
    for (let round = 0; round < repeats; round++) {
      for (const [i, target] of targets.entries()) {
        const response = await client.expect(200, 'GET', target.path, 'token' in target ? { token: target.token } : {});
        samples[i]!.push(response.ms);
        sizes[i] = Buffer.byteLength(response.body);
        if (!check && i === 0) {
          const t = JSON.parse(response.body) as { counts: { posts: number; answers: number; participants: number }; questions: unknown[] };
          check = { posts: t.counts.posts, answers: t.counts.answers, participants: t.counts.participants, questions: t.questions.length };
        }
      }
    }
  } finally {
    client.close();
  }
  return {
    timings: targets.map((t, i) => ({
      label: t.label,
      path: t.path,
      ms: quantiles(new Float64Array(samples[i]!)),
      firstMs: samples[i]![0]!,
      bytes: sizes[i]!,
    })),
    check: check!,
  };
}
