import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type Activity,
  currentStage,
  FORMULA,
  nextStep,
  STAGE_THRESHOLD,
  saturate,
  scoreStages,
  ZERO_ACTIVITY,
} from '../../src/insights/stages.ts';
import { createMember, follow } from '../social/helpers.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** The stage formula (docs/insights.md, "Stages"): pure parts, then the counts on a real database. */

describe('the formula', () => {
  test('saturate is 0 at nothing, 63 at k, 95 at 3k, and never above 100', () => {
    assert.equal(saturate(0, 20), 0);
    assert.equal(saturate(-5, 20), 0);
    assert.equal(saturate(Number.NaN, 20), 0);
    assert.equal(saturate(20, 20), 63);
    assert.equal(saturate(60, 20), 95);
    assert.equal(saturate(1e9, 20), 100);
  });

  test('scores are weighted sums of the counts, saturated per stage', () => {
    const activity: Activity = {
      ...ZERO_ACTIVITY,
      itemsRead: 10,
      followsMade: 5,
      repliesToOthers: 1,
      articlesPublished: 1,
      chatsHosted: 1,
    };
    const scores = scoreStages(activity);
    assert.equal(scores.consumption, saturate(10 * 1 + 5 * 2, FORMULA.consumption.k));
    assert.equal(scores.connection, saturate(2, FORMULA.connection.k));
    assert.equal(scores.creation, saturate(6, FORMULA.creation.k));
    assert.equal(scores.contribution, saturate(8, FORMULA.contribution.k));
    assert.deepEqual(scoreStages(ZERO_ACTIVITY), { consumption: 0, connection: 0, creation: 0, contribution: 0 });
  });

  test('the stage is the furthest one reaching the threshold; nothing reached is consumption', () => {
    const t = STAGE_THRESHOLD;
    assert.equal(currentStage({ consumption: 0, connection: 0, creation: 0, contribution: 0 }), 'consumption');
    assert.equal(currentStage({ consumption: 90, connection: t - 1, creation: 0, contribution: 0 }), 'consumption');
    assert.equal(currentStage({ consumption: 90, connection: t, creation: 0, contribution: 0 }), 'connection');
    assert.equal(currentStage({ consumption: 10, connection: 10, creation: 70, contribution: 0 }), 'creation');
    assert.equal(currentStage({ consumption: 0, connection: 0, creation: 0, contribution: t }), 'contribution');
  });

  test('next steps: a first step for nothing, replying for readers, and on from each stage', () => {
    const zero = scoreStages(ZERO_ACTIVITY);
    assert.match(nextStep('consumption', zero, ZERO_ACTIVITY).text, /^Start small/);
    const reader = { ...ZERO_ACTIVITY, itemsRead: 40 };
    assert.match(nextStep('consumption', scoreStages(reader), reader).text, /You read a lot — reply to one post a day this week/);
    const little = { ...ZERO_ACTIVITY, itemsRead: 2 };
    assert.match(nextStep('consumption', scoreStages(little), little).text, /Follow a few more people/);
    const all = { ...ZERO_ACTIVITY, repliesToOthers: 20, reactionsReceived: 40 };
    assert.match(nextStep('contribution', scoreStages(all), all).text, /keep it up/);
    const silent = { ...ZERO_ACTIVITY, reactionsReceived: 40 };
    assert.match(nextStep('contribution', scoreStages(silent), silent).text, /answer a few of them/);
  });
});

describe('the counts on a real database', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test('only what falls in the window counts, and only the member’s own doings', async () => {
    const me = await createMember(server, 'windowed');
    const them = await createMember(server, 'windowee');
    await follow(me, them);
    await follow(them, me);
    const theirs = await them.post('A question for the room?');
    await me.post('An answer.', { replyToId: theirs.id });
    await me.post('My own thread');
    const mine = await me.post('Replying to myself does not count as a conversation');
    await me.post('…really', { replyToId: mine.id });

    const now = Date.now();
    const fresh = await server.services.insights.stages.activity(me, now);
    assert.equal(fresh.followsMade, 1);
    assert.equal(fresh.mutuals, 1);
    assert.equal(fresh.repliesToOthers, 1, 'a reply to oneself is not a reply to others');
    // Their reaction-free posts give nothing; their counts are theirs alone.
    assert.equal((await server.services.insights.stages.activity(them, now)).repliesToOthers, 0);

    // Ninety-one days later the follow and the reply have left the window; the mutual follow stays.
    const later = await server.services.insights.stages.activity(me, now + 91 * 86_400_000);
    assert.equal(later.followsMade, 0);
    assert.equal(later.repliesToOthers, 0);
    assert.equal(later.mutuals, 1);

    const stages = await server.services.insights.stages.of(me, now);
    assert.deepEqual(stages.scores, scoreStages(stages.activity));
  });
});
