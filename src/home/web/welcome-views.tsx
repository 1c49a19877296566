import type { AsideCard } from '../../web/capability.ts';
import { requireViewer } from '../../web/middleware.ts';
import type { HomeService } from '../service.ts';
import { FOLLOW_GOAL, type Progress, STEPS, type StepKey, stepDone } from '../welcome.ts';

/** The five steps of the first minutes, each ticked when done or saying what is left. */
export function StepsChecklist({ progress }: { progress: Progress }) {
  return (
    <ul class="checklist">
      {STEPS.map((s) => {
        const done = stepDone(progress, s.key);
        return (
          <li class={done ? 'done' : undefined}>
            <a href={s.path}>
              <strong>{s.title}</strong>
            </a>
            <span class="meta">{done ? '(done)' : describeStep(s.key, progress)}</span>
          </li>
        );
      })}
    </ul>
  );
}

/** What is left to do in a step, in a few words. */
function describeStep(step: StepKey, progress: Progress): string {
  switch (step) {
    case 'about':
      return 'your role and passions, so peers find you';
    case 'people':
      return `you follow ${progress.follows} of ${FOLLOW_GOAL}`;
    case 'chats':
      return 'say you will join a chat';
    case 'sources':
      return 'journals and blogs to read';
    case 'post':
      return 'introduce yourself';
  }
}

/** Home's "Getting started" card, first in the context column until every step is done. */
export function gettingStartedCard(service: HomeService): AsideCard {
  return {
    name: 'getting-started',
    title: 'Getting started',
    places: ['home'],
    order: 0,
    membersOnly: true,
    async render(c) {
      const progress = await service.welcome.progress(requireViewer(c));
      const next = STEPS.find((s) => !stepDone(progress, s.key));
      if (!next) return null;
      return (
        <>
          <StepsChecklist progress={progress} />
          <p class="context-card__more">
            <a class="button button--small" href={next.path}>
              Continue: {next.title.toLowerCase()}
            </a>
          </p>
        </>
      );
    },
  };
}
