/** A part of the site still being built: a page at `href` says what it will hold. */
export interface Place {
  href: string;
  title: string;
  text: string;
}

/** The places later capabilities will fill. */
const PLACES: readonly Place[] = [{ href: '/groups', title: 'Groups', text: 'Communities with discussions, events and shared resources.' }];

/**
 * What the home capability's pages show beyond the site's settings (which every request
 * carries): the places still being built.
 */
export class HomeService {
  readonly places: readonly Place[];

  constructor(deps: { places?: readonly Place[] } = {}) {
    this.places = deps.places ?? PLACES;
  }
}
