import { Hono } from 'hono';
import { ADMINISTRATION } from '../../accounts/index.ts';
import type { InstanceModeration } from '../../db/schema.ts';
import { type AppContext, type AppEnv, timeZoneOf } from '../../web/context.ts';
import { formatDateTime, isoTime, plural } from '../../web/format.ts';
import { CsrfField, ErrorSummary, type Errors, formErrors, RadioGroup, TextField } from '../../web/forms.tsx';
import { DataTable, flash, type PageOptions, renderSectionPage } from '../../web/layout.tsx';
import { requireAdmin } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import type { Instance } from '../instances.ts';
import type { Relay } from '../relays.ts';
import type { FederationService } from '../service.ts';

/** Which form a re-rendered page shows errors for, with what was typed into it. */
interface FormState {
  form: 'instance' | 'relay';
  values: Record<string, string>;
  errors: Errors;
  status: PageOptions['status'];
}

const MODERATIONS: readonly InstanceModeration[] = ['none', 'silence', 'block'];
const RELAY_STYLES = ['mastodon', 'litepub'] as const;

/** Administration of federation (Administration → Federation): other servers (block, silence, health) and relays. */
export function instancePages(service: FederationService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/admin/federation', async (c) => {
    requireAdmin(c);
    return federationPage(service, c, null);
  });

  app.post('/admin/federation/instances', async (c) => {
    requireAdmin(c);
    const form = await readForm(c);
    const values = { domain: form.text('domain'), moderation: form.text('moderation'), reason: form.text('reason').trim() };
    const errors: Errors = {};
    if (!MODERATIONS.includes(values.moderation as InstanceModeration))
      errors.moderation = 'Choose whether to block or silence the server, or to lift either.';
    if (values.reason.length > 500) errors.reason = 'Keep the reason to 500 characters or fewer.';
    if (!values.domain.trim()) errors.domain = 'Enter a domain name like example.social.';
    if (Object.keys(errors).length > 0) return federationPage(service, c, { form: 'instance', values, errors, status: 422 });
    const moderation = values.moderation as InstanceModeration;
    let domain: string;
    try {
      domain = await service.instances.moderate(values.domain, moderation, values.reason);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return federationPage(service, c, { form: 'instance', values, errors, status });
    }
    flash(
      c,
      moderation === 'block'
        ? `${domain} is blocked.`
        : moderation === 'silence'
          ? `${domain} is silenced.`
          : `${domain} is no longer blocked or silenced.`,
    );
    return c.redirect('/admin/federation', 303);
  });

  app.post('/admin/federation/relays', async (c) => {
    requireAdmin(c);
    const form = await readForm(c);
    const values = { inboxUrl: form.text('inboxUrl').trim(), style: form.text('style') };
    const errors: Errors = {};
    if (!values.inboxUrl) errors.inboxUrl = 'Enter the relay’s inbox address, like https://relay.example/inbox.';
    else if (values.inboxUrl.length > 500) errors.inboxUrl = 'That address is too long (at most 500 characters).';
    if (!RELAY_STYLES.includes(values.style as (typeof RELAY_STYLES)[number])) errors.style = 'Choose the kind of relay.';
    if (Object.keys(errors).length > 0) return federationPage(service, c, { form: 'relay', values, errors, status: 422 });
    try {
      await service.relays.add(values.inboxUrl, values.style as (typeof RELAY_STYLES)[number]);
    } catch (error) {
      const result = formErrors(error);
      // "Already subscribed" (409) is about the address: show it next to the field.
      const errors = result.errors._form ? { inboxUrl: result.errors._form } : result.errors;
      return federationPage(service, c, { form: 'relay', values, errors, status: result.status });
    }
    flash(c, `Asked ${values.inboxUrl} to relay posts to this server. It shows as subscribed once the relay accepts.`);
    return c.redirect('/admin/federation#relays', 303);
  });

  app.post('/admin/federation/relays/:id{[0-9]{1,9}}/remove', async (c) => {
    requireAdmin(c);
    await service.relays.remove(Number(c.req.param('id')));
    flash(c, 'Unsubscribed from the relay.');
    return c.redirect('/admin/federation#relays', 303);
  });
  return app;
}

async function federationPage(service: FederationService, c: AppContext, state: FormState | null) {
  const [instances, relays] = await Promise.all([service.instances.list(), service.relays.list()]);
  const timeZone = timeZoneOf(c);
  const when = (ms: number | null) => <When ms={ms} timeZone={timeZone} />;
  const errors = state?.errors ?? {};
  const instanceState = state?.form === 'instance' ? state : null;
  const relayState = state?.form === 'relay' ? state : null;
  const failing = instances.filter(isFailing);
  return renderSectionPage(
    c,
    ADMINISTRATION,
    { title: 'Federation', hasErrors: Object.keys(errors).length > 0, status: state?.status ?? 200, noindex: true },
    <>
      <p>
        This server exchanges posts with other servers of the fediverse (Mastodon, Pleroma, Misskey and others). Here you see how delivery
        to each of them goes, block or silence a server and subscribe to relays. Reports from members and from other servers are in{' '}
        <a href="/admin/reports">Reports</a>.
      </p>

      <h2 id="servers">Servers</h2>
      {instances.length === 0 ? (
        <p>No other servers are known yet. They appear here once members follow, or are followed by, people on them.</p>
      ) : (
        <>
          {failing.length > 0 ? (
            <p class="callout">
              {plural(failing.length, 'server is', 'servers are')} failing: the last delivery to {failing.length === 1 ? 'it' : 'them'}{' '}
              failed. Deliveries are retried for about a day and a half.
            </p>
          ) : null}
          <DataTable
            caption={<>Servers this one knows, {instances.length} in all</>}
            columns={[
              'Server',
              'Software',
              'Moderation',
              'Known accounts',
              'Delivered / failed',
              'Last delivery',
              'Last failure',
              'Received',
            ]}
            actions
          >
            {instances.map((i) => (
              <tr>
                <td>
                  {i.domain}
                  {isFailing(i) ? (
                    <>
                      <br />
                      <span class="status status--suspended">Failing</span>
                    </>
                  ) : null}
                </td>
                <td>
                  {i.software ? `${i.software}${i.softwareVersion ? ` ${i.softwareVersion}` : ''}` : <span class="meta">unknown</span>}
                </td>
                <td>
                  <ModerationLabel instance={i} />
                </td>
                <td>{i.actors}</td>
                <td>
                  {i.delivered} / {i.failed}
                </td>
                <td>{when(i.lastDeliveredAt)}</td>
                <td>
                  {when(i.lastFailedAt)}
                  {i.lastError ? (
                    <>
                      <br />
                      <span class="meta">{shorten(i.lastError, 80)}</span>
                    </>
                  ) : null}
                </td>
                <td>
                  {i.received}
                  {i.lastReceivedAt ? (
                    <>
                      <br />
                      <span class="meta">last {when(i.lastReceivedAt)}</span>
                    </>
                  ) : null}
                </td>
                <td>
                  {i.moderation !== 'none' ? (
                    <form method="post" action="/admin/federation/instances" class="inline-form">
                      <CsrfField token={c.var.csrf} />
                      <input type="hidden" name="domain" value={i.domain} />
                      <input type="hidden" name="moderation" value="none" />
                      <button type="submit" class="button--small button--secondary">
                        {i.moderation === 'block' ? 'Unblock' : 'Unsilence'}
                        <span class="visually-hidden"> {i.domain}</span>
                      </button>
                    </form>
                  ) : null}
                </td>
              </tr>
            ))}
          </DataTable>
        </>
      )}

      <h3 id="moderate">Block or silence a server</h3>
      {instanceState ? <ErrorSummary errors={instanceState.errors} /> : null}
      <form method="post" action="/admin/federation/instances" class="stack" novalidate>
        <CsrfField token={c.var.csrf} />
        <TextField
          name="domain"
          label="Server"
          value={instanceState?.values.domain}
          errors={instanceState?.errors}
          maxLength={300}
          required
          spellcheck={false}
          hint="Its domain name, e.g. spam.example."
        />
        <RadioGroup
          name="moderation"
          label="What to do"
          value={instanceState?.values.moderation}
          errors={instanceState?.errors}
          options={[
            { value: 'silence', label: 'Silence', hint: '(its posts reach only people who follow their authors)' },
            { value: 'block', label: 'Block', hint: '(nothing is received from it or sent to it, and follows across end)' },
            { value: 'none', label: 'None', hint: '(lift a block or silence)' },
          ]}
        />
        <TextField
          name="reason"
          optional
          label="Reason"
          value={instanceState?.values.reason}
          errors={instanceState?.errors}
          maxLength={500}
          hint="A note for the other administrators, e.g. “spam accounts”."
        />
        <div class="actions">
          <button type="submit">Save</button>
        </div>
      </form>

      <h2 id="relays">Relays</h2>
      <p>
        A relay passes public posts between the servers that subscribe to it, so a small server hears hashtag posts from the wider
        fediverse, and its own public posts travel further.
      </p>
      {relays.length === 0 ? (
        <p>This server subscribes to no relays.</p>
      ) : (
        <DataTable caption="Relays this server subscribes to" columns={['Relay inbox', 'Kind', 'State', 'Since']} actions>
          {relays.map((r) => (
            <RelayRow c={c} relay={r} timeZone={timeZone} />
          ))}
        </DataTable>
      )}
      <h3 id="subscribe">Subscribe to a relay</h3>
      {relayState ? <ErrorSummary errors={relayState.errors} /> : null}
      <form method="post" action="/admin/federation/relays" class="stack" novalidate>
        <CsrfField token={c.var.csrf} />
        <TextField
          name="inboxUrl"
          type="url"
          label="Relay inbox"
          value={relayState?.values.inboxUrl}
          errors={relayState?.errors}
          maxLength={500}
          required
          inputmode="url"
          spellcheck={false}
          hint="The address the relay’s page gives, e.g. https://relay.example/inbox."
        />
        <RadioGroup
          name="style"
          label="Kind of relay"
          value={relayState?.values.style ?? 'mastodon'}
          errors={relayState?.errors}
          options={[
            { value: 'mastodon', label: 'Mastodon', hint: '(pub-relay, Activity-Relay)' },
            { value: 'litepub', label: 'LitePub', hint: '(Pleroma, Akkoma, aode-relay)' },
          ]}
        />
        <div class="actions">
          <button type="submit">Subscribe</button>
        </div>
      </form>
    </>,
  );
}

/** The last delivery failed (and nothing got through since). */
function isFailing(i: Instance): boolean {
  return i.lastFailedAt !== null && (i.lastDeliveredAt === null || i.lastFailedAt > i.lastDeliveredAt);
}

/** A date in the reader's time zone, or "never". */
function When({ ms, timeZone }: { ms: number | null; timeZone: string }) {
  return ms ? <time datetime={isoTime(ms)}>{formatDateTime(ms, timeZone)}</time> : <span class="meta">never</span>;
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}

function ModerationLabel({ instance }: { instance: Instance }) {
  const reason = instance.reason ? <span class="meta">: {instance.reason}</span> : null;
  if (instance.moderation === 'block')
    return (
      <>
        <span class="status status--suspended">Blocked</span>
        {reason}
      </>
    );
  if (instance.moderation === 'silence')
    return (
      <>
        <span class="status">Silenced</span>
        {reason}
      </>
    );
  return <>None</>;
}

const RELAY_STATES: Record<string, string> = {
  pending: 'Waiting for the relay to accept',
  accepted: 'Subscribed',
  rejected: 'Refused by the relay',
};

function RelayRow({ c, relay, timeZone }: { c: AppContext; relay: Relay; timeZone: string }) {
  return (
    <tr>
      <td class="code">{relay.inboxUrl}</td>
      <td>{relay.style === 'litepub' ? 'LitePub' : 'Mastodon'}</td>
      <td>
        {relay.state === 'rejected' ? (
          <span class="status status--suspended">{RELAY_STATES.rejected}</span>
        ) : (
          (RELAY_STATES[relay.state] ?? relay.state)
        )}
      </td>
      <td>
        <When ms={relay.createdAt} timeZone={timeZone} />
      </td>
      <td>
        <form
          method="post"
          action={`/admin/federation/relays/${relay.id}/remove`}
          class="inline-form"
          data-confirm={`Unsubscribe from ${relay.inboxUrl}?`}
        >
          <CsrfField token={c.var.csrf} />
          <button type="submit" class="button--small button--secondary">
            Unsubscribe<span class="visually-hidden"> from {relay.inboxUrl}</span>
          </button>
        </form>
      </td>
    </tr>
  );
}
