import { parseHTML } from 'linkedom';

export interface Page {
  status: number;
  headers: Headers;
  /** Where a redirect pointed (path + query), when it was one. */
  location: string | null;
  html: string;
  document: Document;
  /** Text of the element(s) matching `selector`, whitespace collapsed. */
  text(selector?: string): string;
}

/**
 * An HTTP client that acts like a browser without JavaScript: it keeps cookies, reads the
 * CSRF token from the page's forms and posts forms back. Redirects are not followed
 * automatically (tests check them), but `follow` does.
 */
export class Client {
  readonly baseUrl: string;
  readonly cookies = new Map<string, string>();

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(new URL(path, this.baseUrl), { ...init, headers, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair, ...attributes] = cookie.split(';');
      const [name, ...value] = pair!.split('=');
      const expired = attributes.some((a) => /max-age=0\b/i.test(a.trim()) || /expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value.join('=') === '') this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value.join('='));
    }
    return response;
  }

  async get(path: string, init: RequestInit = {}): Promise<Page> {
    return toPage(await this.fetch(path, init));
  }

  /** GET, following redirects within the site. */
  async follow(path: string): Promise<Page> {
    let page = await this.get(path);
    for (let i = 0; i < 5 && page.location; i++) page = await this.get(page.location);
    return page;
  }

  /** The CSRF token of the current cookie, read from a page with a form (sign-in, or the sign-out button). */
  async csrf(): Promise<string> {
    const page = await this.follow('/login');
    const token = page.document.querySelector('input[name=_csrf]')?.getAttribute('value');
    if (!token) throw new Error('no CSRF token on the sign-in page or home page');
    return token;
  }

  /** Posts a form like a browser: with the CSRF token unless `_csrf` is given. */
  async post(
    path: string,
    fields: Record<string, string | string[] | Blob> | FormData,
    options: { multipart?: boolean } = {},
  ): Promise<Page> {
    const entries: Array<[string, string | Blob]> =
      fields instanceof FormData
        ? [...fields.entries()]
        : Object.entries(fields).flatMap(([k, v]) =>
            Array.isArray(v) ? v.map((x) => [k, x] as [string, string]) : [[k, v] as [string, string | Blob]],
          );
    if (!entries.some(([k]) => k === '_csrf')) entries.unshift(['_csrf', await this.csrf()]);
    let body: FormData | URLSearchParams;
    if (options.multipart || entries.some(([, v]) => v instanceof Blob)) {
      body = new FormData();
      for (const [k, v] of entries) body.append(k, v);
    } else {
      body = new URLSearchParams(entries as Array<[string, string]>);
    }
    return toPage(await this.fetch(path, { method: 'POST', body }));
  }

  /** A JSON API call. */
  async api(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    // biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON
  ): Promise<{ status: number; headers: Headers; json: any }> {
    const response = await this.fetch(path, {
      method,
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = { unparsed: text };
    }
    return { status: response.status, headers: response.headers, json };
  }

  /** Signs up through the form; returns the response (303 on success). */
  async signup(fields: { handle: string; email?: string; password?: string; displayName?: string; inviteCode?: string }): Promise<Page> {
    return this.post('/signup', {
      displayName: fields.displayName ?? fields.handle,
      handle: fields.handle,
      email: fields.email ?? `${fields.handle}@example.org`,
      password: fields.password ?? 'a long enough password',
      ...(fields.inviteCode ? { inviteCode: fields.inviteCode } : {}),
    });
  }

  async login(login: string, password = 'a long enough password'): Promise<Page> {
    return this.post('/login', { login, password });
  }
}

async function toPage(response: Response): Promise<Page> {
  const html = await response.text();
  const { document } = parseHTML(html);
  const location = response.headers.get('location');
  return {
    status: response.status,
    headers: response.headers,
    location: location ? new URL(location, 'http://x').pathname + new URL(location, 'http://x').search : null,
    html,
    document: document as unknown as Document,
    text(selector) {
      const nodes = selector ? [...document.querySelectorAll(selector)] : [document.body];
      return nodes
        .map((n) => n?.textContent ?? '')
        .join(' ')
        .replace(/\s+/g, ' ')
        .trim();
    },
  };
}
