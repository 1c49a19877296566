import { Hono } from 'hono';
import { parseInput, UserError } from '../../platform/errors.ts';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { CsrfField, ErrorSummary, type Errors, formErrors, RadioGroup, TextArea, TextField } from '../../web/forms.tsx';
import { flash, type PageOptions } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { readForm } from '../../web/request.ts';
import type { ActorSummary } from '../hydrate.ts';
import { type ListView, listInputSchema, listUpdateSchema } from '../lists.ts';
import type { SocialService } from '../service.ts';
import type { TimelinePage } from '../timelines.ts';
import { ActionButton, actorPath, PeopleList, Timeline } from './post-views.tsx';
import { nextHref, streamPage } from './stream-views.tsx';

/** Lists: a member's own, and shared ones, each with its timeline and people. */
export function listPages(social: SocialService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/lists', async (c) => {
    const viewer = requireViewer(c);
    return listsPage(c, await social.lists.mine(viewer), {}, {});
  });

  app.post('/lists', async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    const values = { name: form.text('name'), description: form.text('description'), visibility: form.text('visibility') || 'private' };
    const { lists } = social;
    try {
      const list = await lists.create(viewer, parseInput(listInputSchema, values));
      flash(c, `List “${list.name}” created. Add people to it below.`);
      return c.redirect(`/lists/${list.id}`, 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      return listsPage(c, await lists.mine(viewer), values, errors, status);
    }
  });

  app.get('/lists/:id{[0-9]+}', async (c) => {
    const { lists } = social;
    const id = Number(c.req.param('id'));
    const list = await lists.get(c.var.viewer, id);
    const [page, members] = await Promise.all([lists.timeline(c.var.viewer, id, c.req.query('cursor')), lists.members(c.var.viewer, id)]);
    return listPage(c, list, page, members, {}, {});
  });

  app.post('/lists/:id{[0-9]+}', async (c) => {
    const viewer = requireViewer(c);
    const { lists } = social;
    const id = Number(c.req.param('id'));
    const form = await readForm(c);
    const values = { name: form.text('name'), description: form.text('description'), visibility: form.text('visibility') };
    try {
      await lists.update(viewer, id, parseInput(listUpdateSchema, values));
      flash(c, 'List saved.');
      return c.redirect(`/lists/${id}`, 303);
    } catch (error) {
      const { errors, status } = formErrors(error);
      const list = await lists.get(viewer, id);
      return listPage(
        c,
        list,
        await lists.timeline(viewer, id),
        await lists.members(viewer, id),
        { ...values, form: 'settings' },
        errors,
        status,
      );
    }
  });

  app.post('/lists/:id{[0-9]+}/delete', async (c) => {
    const viewer = requireViewer(c);
    await social.lists.delete(viewer, Number(c.req.param('id')));
    flash(c, 'List deleted.');
    return c.redirect('/lists', 303);
  });

  app.post('/lists/:id{[0-9]+}/members', async (c) => {
    const viewer = requireViewer(c);
    const { lists } = social;
    const id = Number(c.req.param('id'));
    const handle = (await readForm(c)).text('handle').trim().replace(/^@/, '');
    try {
      if (!handle) throw UserError.field('handle', 'Enter the handle of someone to add, like mslibrarian.');
      await lists.add(viewer, id, handle);
    } catch (error) {
      const { errors, status } = formErrors(error);
      const list = await lists.get(viewer, id);
      return listPage(
        c,
        list,
        await lists.timeline(viewer, id),
        await lists.members(viewer, id),
        { handle, form: 'add' },
        errors.handle ? errors : { handle: errors._form ?? Object.values(errors)[0]! },
        status,
      );
    }
    flash(c, `@${handle} was added to the list.`);
    return c.redirect(`/lists/${id}`, 303);
  });

  app.post('/lists/:id{[0-9]+}/members/:handle/remove', async (c) => {
    const viewer = requireViewer(c);
    const id = Number(c.req.param('id'));
    await social.lists.remove(viewer, id, c.req.param('handle'));
    flash(c, `@${c.req.param('handle')} was removed from the list.`);
    return c.redirect(`/lists/${id}`, 303);
  });
  return app;
}

function listsPage(c: AppContext, lists: ListView[], values: Record<string, string>, errors: Errors, status: PageOptions['status'] = 200) {
  return streamPage(
    c,
    { title: 'Lists', hasErrors: Object.keys(errors).length > 0, status, noindex: true },
    <>
      <p>
        A list is a named set of people with its own timeline, e.g. “Public librarians” or “Child welfare research”. Share a list publicly
        to recommend those people to others.
      </p>
      {lists.length > 0 ? (
        <ul class="list-cards">
          {lists.map((l) => (
            <li>
              <a href={`/lists/${l.id}`}>{l.name}</a>{' '}
              <span class="meta">
                {l.members} {l.members === 1 ? 'person' : 'people'} · {l.visibility === 'public' ? 'shared' : 'private'}
              </span>
              {l.description ? <p>{l.description}</p> : null}
            </li>
          ))}
        </ul>
      ) : null}
      <h2>New list</h2>
      <ErrorSummary errors={errors} />
      <ListForm c={c} action="/lists" values={values} errors={errors} submit="Create list" />
    </>,
  );
}

function ListForm({
  c,
  action,
  values,
  errors,
  submit,
}: {
  c: AppContext;
  action: string;
  values: Record<string, string>;
  errors: Errors;
  submit: string;
}) {
  return (
    <form method="post" action={action} class="stack" novalidate>
      <CsrfField token={c.var.csrf} />
      <TextField name="name" label="Name" value={values.name} errors={errors} maxLength={80} required />
      <TextArea name="description" label="Description" optional value={values.description} errors={errors} rows={2} maxLength={300} />
      <RadioGroup
        name="visibility"
        label="Who can see who is on it"
        value={values.visibility ?? 'private'}
        errors={errors}
        options={[
          { value: 'private', label: 'Only me' },
          { value: 'public', label: 'Everyone', hint: '(a shared list)' },
        ]}
      />
      <button type="submit">{submit}</button>
    </form>
  );
}

function listPage(
  c: AppContext,
  list: ListView & { own: boolean },
  page: TimelinePage,
  members: ActorSummary[],
  values: Record<string, string>,
  errors: Errors,
  status: PageOptions['status'] = 200,
) {
  const back = `/lists/${list.id}`;
  return streamPage(
    c,
    { title: list.name, hasErrors: Object.keys(errors).length > 0, status, noindex: list.visibility !== 'public' },
    <>
      <p class="meta">
        {list.visibility === 'public' ? 'Shared list' : 'Private list'} by <a href={actorPath(list.owner)}>{list.owner.displayName}</a> ·{' '}
        {list.members} {list.members === 1 ? 'person' : 'people'}
      </p>
      {list.description ? <p>{list.description}</p> : null}
      <ErrorSummary errors={errors} />
      <div class="with-sidebar">
        <Timeline
          c={c}
          label={`Posts from ${list.name}`}
          posts={page.posts}
          next={nextHref(c, page)}
          back={back}
          live={`/live?timeline=list:${list.id}&back=${encodeURIComponent(back)}`}
          empty="No posts from these people yet."
        />
        <aside class="sidebar" aria-labelledby="list-people">
          <h2 id="list-people">People</h2>
          {list.own ? (
            <form method="post" action={`/lists/${list.id}/members`} class="stack" novalidate>
              <CsrfField token={c.var.csrf} />
              <TextField
                name="handle"
                label="Add someone by handle"
                value={values.form === 'add' ? values.handle : ''}
                errors={values.form === 'add' ? errors : {}}
                spellcheck={false}
              />
              <button type="submit" class="button--small">
                Add
              </button>
            </form>
          ) : null}
          <PeopleList people={members}>
            {list.own
              ? (p) => <ActionButton c={c} back={back} action={`/lists/${list.id}/members/${p.acct}/remove`} label={`Remove`} />
              : undefined}
          </PeopleList>
          {list.own ? (
            <details>
              <summary>List settings</summary>
              <ListForm
                c={c}
                action={back}
                values={
                  values.form === 'settings' ? values : { name: list.name, description: list.description, visibility: list.visibility }
                }
                errors={values.form === 'settings' ? errors : {}}
                submit="Save list"
              />
              <form method="post" action={`/lists/${list.id}/delete`} data-confirm={`Delete the list “${list.name}”?`}>
                <CsrfField token={c.var.csrf} />
                <button type="submit" class="button--danger button--small">
                  Delete list
                </button>
              </form>
            </details>
          ) : null}
        </aside>
      </div>
    </>,
  );
}
