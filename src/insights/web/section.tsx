import type { Child } from 'hono/jsx';
import type { AppContext } from '../../web/context.ts';
import { type PageOptions, renderSectionPage } from '../../web/layout.tsx';

/** Insights: a member's view of their own learning network and what to do next. */
export const INSIGHTS = {
  label: 'My PLN',
  items: [
    ['/insights', 'My PLN'],
    ['/insights/routine', 'Routine'],
    ['/insights/goals', 'Goals'],
    ['/insights/suggestions', 'Who to follow'],
    ['/insights/cohorts', 'Cohorts'],
  ],
} as const;

/** A page of the Insights section, with its tabs. */
export function insightsPage(c: AppContext, options: PageOptions, body: Child) {
  return renderSectionPage(c, INSIGHTS, options, body);
}
