import { Hono } from 'hono';
import { UserError } from '../../platform/errors.ts';
import type { AppContext, AppEnv } from '../../web/context.ts';
import { flash } from '../../web/layout.tsx';
import { requireViewer } from '../../web/middleware.ts';
import { readForm, safeNext } from '../../web/request.ts';
import { transcriptCsv, transcriptHtml, transcriptJson, transcriptMarkdown } from '../exports.ts';
import { chatDate } from '../records.ts';
import type { ChatsService } from '../service.ts';
import { roomLiveStream } from './room-live.tsx';
import { refusedPage, roomPage, transcriptPage } from './room-views.tsx';

/**
 * One chat: the live room (a transcript once the chat ended), its event stream, the transcript
 * downloads, and the buttons (RSVP, start, ask the next question, end, cancel, highlight, hide).
 * Every action is a form; with JavaScript the room updates live (Server-Sent Events, see app.js).
 */
export function roomPages(service: ChatsService): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/chats/:slug/:date{[0-9]{4}-[0-9]{2}-[0-9]{2}}', async (c) => {
    const room = await service.room.room(c.var.viewer, c.req.param('slug'), chatDate(c.req.param('date')));
    return room.chat.state === 'ended' ? transcriptPage(c, room) : roomPage(c, room);
  });

  app.get('/chats/:slug/:date{[0-9]{4}-[0-9]{2}-[0-9]{2}}/live', async (c) => {
    const { chat, series } = await service.occurrences.get(c.var.viewer, c.req.param('slug'), chatDate(c.req.param('date')));
    return roomLiveStream(c, service, series, chat);
  });

  app.get('/chats/:slug/:date{[0-9]{4}-[0-9]{2}-[0-9]{2}}/:file{transcript\\.(?:md|html|csv|json)}', async (c) => {
    const transcript = await service.room.transcript(c.var.viewer, c.req.param('slug'), chatDate(c.req.param('date')));
    const name = `${transcript.series.slug}-${transcript.chat.date}`;
    const format = c.req.param('file').slice('transcript.'.length);
    const [body, type] =
      format === 'md'
        ? [transcriptMarkdown(transcript), 'text/markdown']
        : format === 'csv'
          ? [transcriptCsv(transcript), 'text/csv']
          : format === 'json'
            ? [transcriptJson(transcript), 'application/json']
            : [transcriptHtml(transcript, { siteName: c.var.site.siteName }), 'text/html'];
    return c.body(body, 200, {
      'content-type': `${type}; charset=utf-8`,
      'content-disposition': `attachment; filename="${name}.${format}"`,
    });
  });

  // Buttons: RSVP, start, ask the next question, end, cancel, highlight, hide.
  const buttons: Record<
    string,
    (c: AppContext, slug: string, date: string, form: Awaited<ReturnType<typeof readForm>>) => Promise<string>
  > = {
    rsvp: async (c, slug, date, form) => {
      const going = form.text('going') !== 'no';
      await service.rsvps.rsvp(requireViewer(c), slug, date, going);
      return going ? 'See you there. You will get a reminder 15 minutes before the start.' : 'You are no longer going.';
    },
    start: async (c, slug, date) => {
      await service.occurrences.start(requireViewer(c), slug, date);
      return 'The chat is live.';
    },
    release: async (c, slug, date) => `${(await service.questions.release(requireViewer(c), slug, date)).label} was posted.`,
    end: async (c, slug, date) => {
      await service.occurrences.end(requireViewer(c), slug, date);
      return 'The chat has ended; its transcript is below.';
    },
    cancel: async (c, slug, date) => {
      await service.occurrences.cancel(requireViewer(c), slug, date);
      return 'The chat was cancelled.';
    },
  };
  for (const [name, act] of Object.entries(buttons)) {
    app.post(`/chats/:slug/:date{[0-9]{4}-[0-9]{2}-[0-9]{2}}/${name}`, async (c) => {
      const [slug, date] = [c.req.param('slug'), chatDate(c.req.param('date'))];
      const form = await readForm(c);
      try {
        flash(c, await act(c, slug, date, form));
      } catch (error) {
        // Too early, already started, over: say why, with the way back to the chat.
        if (error instanceof UserError && error.status === 409) return refusedPage(c, `/chats/${slug}/${date}`, error);
        throw error;
      }
      // RSVP comes back where it was pressed (a series page lists several chats); the rest to the chat.
      return c.redirect(name === 'rsvp' ? safeNext(c, form.text('back'), `/chats/${slug}/${date}`) : `/chats/${slug}/${date}`, 303);
    });
  }
  for (const tool of ['highlight', 'hide'] as const) {
    app.post(`/chats/:slug/:date{[0-9]{4}-[0-9]{2}-[0-9]{2}}/posts/:postId{[0-9]+}/${tool}`, async (c) => {
      const viewer = requireViewer(c);
      const [slug, date, postId] = [c.req.param('slug'), chatDate(c.req.param('date')), Number(c.req.param('postId'))];
      const on = (await readForm(c)).text('on') !== 'no';
      await (tool === 'highlight'
        ? service.moderation.setHighlighted(viewer, slug, date, postId, on)
        : service.moderation.setHidden(viewer, slug, date, postId, on));
      return c.redirect(`/chats/${slug}/${date}#chat-post-${postId}`, 303);
    });
  }

  return app;
}
