import { type SetupDeps, SetupService } from './setup.ts';
import { type WelcomeDeps, WelcomeService } from './welcome.ts';

/** A part of the site still being built: a page at `href` says what it will hold. */
export interface Place {
  href: string;
  title: string;
  text: string;
}

/** The places later capabilities will fill. */
const PLACES: readonly Place[] = [{ href: '/groups', title: 'Groups', text: 'Communities with discussions, events and shared resources.' }];

/**
 * What the home capability shows beyond the site's settings (which every request carries): the
 * guided first minutes of a member (welcome), the administrator's setup checklist, and the
 * places still being built.
 */
export class HomeService {
  readonly places: readonly Place[];
  readonly welcome: WelcomeService;
  readonly setup: SetupService;

  constructor(deps: WelcomeDeps & Omit<SetupDeps, 'config'> & { config: SetupDeps['config']; places?: readonly Place[] }) {
    this.places = deps.places ?? PLACES;
    this.welcome = new WelcomeService(deps);
    this.setup = new SetupService(deps);
  }
}
