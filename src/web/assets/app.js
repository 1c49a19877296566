// Progressive enhancement only: every page works without this file.
// A live stream that was away too long to be sent what it missed says so, with a reload link
// (not a reload: that would lose what the member is writing).
function offerReload(container, status) {
  if (container.querySelector('[data-live-reset]')) return;
  const note = document.createElement('p');
  note.className = 'callout';
  note.dataset.liveReset = '';
  const link = document.createElement('a');
  link.href = window.location.href;
  link.textContent = 'Reload the page';
  note.append('You were away for a while and may have missed updates. ', link, '.');
  container.prepend(note);
  if (status) status.textContent = 'You may have missed updates while away. Reload the page to see them.';
}

// Installable: the service worker (served by web/shell.tsx) keeps the static assets and the
// offline page; pages always come from the network.
if ('serviceWorker' in navigator && window.isSecureContext) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
      /* no offline page, nothing else lost */
    });
  });
}

(() => {
  // Move focus to the error summary so keyboard and screen-reader users hear what went wrong.
  const summary = document.querySelector('.error-summary');
  if (summary) summary.focus();

  // Default the time zone on the sign-up form to the browser's own.
  const tz = document.querySelector('input[type=hidden][name=timeZone]:not([value]), input[type=hidden][name=timeZone][value=""]');
  if (tz) {
    try {
      tz.value = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
    } catch {
      /* keep empty */
    }
  }

  // Passion autocomplete: suggest the passions members use for the one being typed in a
  // comma-separated list, then the passions related to them (the server fills the list with the
  // most used ones for browsers without JavaScript).
  for (const input of document.querySelectorAll('input[name=passions][list]')) {
    const list = document.getElementById(input.getAttribute('list'));
    if (!list) continue;
    let timer;
    input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const parts = input.value.split(',');
        const current = parts.pop().trim();
        if (current.length < 1) return;
        const before = parts.map((p) => p.trim()).filter(Boolean);
        try {
          const res = await fetch(`/api/v1/passions?q=${encodeURIComponent(current)}`, { headers: { accept: 'application/json' } });
          if (!res.ok) return;
          const { passions } = await res.json();
          const names = [];
          for (const name of [...passions.map((p) => p.name), ...passions.flatMap((p) => p.related ?? [])]) {
            const key = name.toLowerCase();
            if (!before.some((b) => b.toLowerCase() === key) && !names.some((n) => n.toLowerCase() === key)) names.push(name);
          }
          list.replaceChildren(
            ...names.slice(0, 20).map((name) => {
              const option = document.createElement('option');
              option.value = [...before, name].join(', ');
              return option;
            }),
          );
        } catch {
          /* offline: no suggestions */
        }
      }, 150);
    });
  }

  // Warn before uploading a photo over the limit, instead of after the upload.
  for (const input of document.querySelectorAll('input[type=file][data-max-bytes]')) {
    input.addEventListener('change', () => {
      const max = Number(input.dataset.maxBytes);
      const file = input.files?.[0];
      input.setCustomValidity(file && file.size > max ? `That photo is too large: the limit is ${Math.round(max / 1048576)} MB.` : '');
      input.reportValidity();
    });
  }

  // Characters left in a post. The visible count follows every keystroke; screen readers hear it
  // once typing pauses, from a live region of its own (announcing each keystroke would drown out
  // the typing).
  for (const area of document.querySelectorAll('textarea[data-max-chars]')) {
    const max = Number(area.dataset.maxChars);
    const counter = document.querySelector(`[data-count-for="${area.id}"]`);
    if (!counter) continue;
    const announcer = document.createElement('span');
    announcer.className = 'visually-hidden';
    announcer.setAttribute('aria-live', 'polite');
    area.after(announcer);
    let timer;
    const update = () => {
      const left = max - [...area.value].length;
      counter.textContent = left >= 0 ? `${left} characters left.` : `${-left} characters too many.`;
    };
    area.addEventListener('input', () => {
      update();
      clearTimeout(timer);
      timer = setTimeout(() => {
        announcer.textContent = counter.textContent;
      }, 1000);
    });
    update();
  }

  // Live updates (Server-Sent Events): new posts arrive at the top of a timeline, deleted ones
  // go, and the notification count stays current. Without JavaScript, reloading shows the same.
  const timeline = document.querySelector('[data-live]');
  const badgeLink = document.querySelector('[data-live-badge]');
  const liveUrl = timeline ? timeline.dataset.live : badgeLink ? badgeLink.dataset.liveBadge : null;
  if (liveUrl && 'EventSource' in window) {
    const source = new EventSource(liveUrl);
    const list = timeline?.querySelector('.timeline__list');
    const status = timeline?.querySelector('[data-live-status]');
    source.addEventListener('post', (event) => {
      if (!list) return;
      const { key, author, html } = JSON.parse(event.data);
      if (list.querySelector(`[data-post-key="${key}"]`)) return;
      const item = document.createElement('li');
      item.innerHTML = html;
      item.firstElementChild?.classList.add('post--new');
      list.prepend(item);
      const empty = timeline.querySelector('.timeline__empty');
      if (empty) empty.remove();
      if (status) status.textContent = `New post from ${author}.`;
    });
    source.addEventListener('delete', (event) => {
      const { id } = JSON.parse(event.data);
      for (const post of document.querySelectorAll(`[data-post-key^="${id}:"]`)) post.closest('li')?.remove();
    });
    // Away for too long (the server no longer has everything missed): offer a reload.
    source.addEventListener('reset', () => {
      if (timeline) offerReload(timeline, status);
    });
    source.addEventListener('notifications', (event) => {
      const { unread } = JSON.parse(event.data);
      // The rail and the phone's top bar each show the count.
      for (const badge of document.querySelectorAll('[data-unread]')) {
        badge.textContent = String(unread);
        badge.hidden = unread === 0;
      }
      for (const label of document.querySelectorAll('[data-unread-label]')) label.textContent = unread === 0 ? '' : ` (${unread} unread)`;
    });
  }

  // Confirm destructive actions.
  for (const form of document.querySelectorAll('form[data-confirm]')) {
    form.addEventListener('submit', (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
})();

// Actions in place (Like, Boost, Bookmark, Follow, RSVP): a form[data-inline] is posted with
// fetch, and its region (the closest [data-inline-region], which has an id) is replaced by the
// same region of the page the server comes back to, so the member keeps their place and the
// button shows its new state. Without JavaScript the same form comes back to #<that item>.
(() => {
  const main = document.getElementById('main');
  if (!main || !window.fetch) return;
  document.addEventListener('submit', async (event) => {
    const form = event.target;
    const region = form.closest?.('[data-inline-region][id]');
    if (event.defaultPrevented || !form.matches('form[data-inline]') || !region || form.dataset.plain) return;
    event.preventDefault();
    // One action at a time per item (a double click would send the old state twice).
    if (region.dataset.busy) return;
    region.dataset.busy = 'true';
    const index = [...region.querySelectorAll('button')].indexOf(event.submitter);
    let response;
    try {
      response = await fetch(form.action, { method: 'POST', body: new URLSearchParams(new FormData(form)), credentials: 'same-origin' });
    } catch {
      /* offline: the ordinary submission says so */
    }
    if (!response?.ok) {
      delete region.dataset.busy;
      form.dataset.plain = 'true';
      form.requestSubmit();
      return;
    }
    const page = new DOMParser().parseFromString(await response.text(), 'text/html');
    const fresh = page.getElementById(region.id);
    // Done, but the item is not on the page it came back to: go there.
    if (!fresh) return window.location.assign(`${response.url}#${region.id}`);
    region.replaceWith(fresh);
    (fresh.querySelectorAll('button')[index] || fresh.querySelector('button'))?.focus();
    // The page's notice says what happened, emptied and filled a moment later: screen readers
    // hear a change to a status region that is already there (the same words again too).
    const said = page.querySelector('main .notice')?.textContent;
    if (!said) return;
    let notice = main.querySelector('.notice');
    if (!notice) {
      notice = document.createElement('p');
      notice.className = 'notice';
      notice.setAttribute('role', 'status');
      main.prepend(notice);
    }
    notice.hidden = true;
    notice.textContent = '';
    setTimeout(() => {
      notice.textContent = said;
      notice.hidden = false;
    }, 50);
  });
})();

// Reply on the post's own page: the cursor goes to the reply box, without reloading the page.
document.addEventListener('click', (event) => {
  const link = event.target.closest?.('a[data-reply]');
  const box = document.querySelector('#reply textarea');
  if (!link || !box || link.pathname !== window.location.pathname) return;
  event.preventDefault();
  box.focus();
  box.setSelectionRange(box.value.length, box.value.length);
});

// The live chat room: answers appear under their question, a newly asked question is pinned
// and the composer moves on to "A<n>", highlights and hides show at once. Without JavaScript
// the room is the same page, current at each reload.
(() => {
  const room = document.querySelector('[data-chat-room]');
  if (!room || !('EventSource' in window)) return;
  const base = room.dataset.chatRoom.replace(/\/live$/, '');
  const letter = room.dataset.chatKind === 'backchannel' ? 'S' : 'A';
  const status = room.querySelector('[data-live-status]');
  const template = document.getElementById('moderator-tools');
  const textarea = room.querySelector('.chat-room__composer textarea[name=text]');
  const say = (text) => {
    if (status) status.textContent = text;
  };
  const prefill = (n) => `${n ? `${letter}${n} ` : ''}\n\n#${room.dataset.hashtag}`.trimStart();
  // Text put in the composer by the page: the character count follows, as it does for typing.
  const setText = (text) => {
    textarea.value = text;
    textarea.dispatchEvent(new Event('input'));
  };
  // People who posted in the room (each once), as the page counts them.
  const countPeople = () => {
    const label = room.querySelector('[data-participants]');
    if (!label) return;
    const n = new Set([...room.querySelectorAll('[data-chat-post]')].map((post) => post.dataset.author)).size;
    label.textContent = `${n} ${n === 1 ? 'participant' : 'participants'}`;
  };
  let current = Number(room.querySelector('[data-question]:not([data-question="0"])')?.dataset?.question || 0);

  const listFor = (question) => {
    const section = room.querySelector(`[data-question="${question}"]`) || room.querySelector('[data-question="0"]');
    return section?.querySelector('[data-chat-posts]');
  };
  const addTools = (item, id) => {
    if (!template || !item) return;
    const tools = template.content.firstElementChild.cloneNode(true);
    for (const form of tools.querySelectorAll('form[data-tool]')) form.action = `${base}/posts/${id}/${form.dataset.tool}`;
    item.querySelector('.chat-post__body').append(tools);
  };

  const source = new EventSource(room.dataset.chatRoom);
  source.addEventListener('ready', () => {
    room.dataset.liveReady = 'true';
  });
  source.addEventListener('post', (event) => {
    const { id, question, author, html } = JSON.parse(event.data);
    if (document.getElementById(`chat-post-${id}`)) return;
    const list = listFor(question);
    if (!list) return;
    list.insertAdjacentHTML('afterbegin', html);
    const item = list.firstElementChild;
    item.classList.add('chat-post--new');
    addTools(item, id);
    // The first post: the room is no longer empty.
    list.closest('[hidden]')?.removeAttribute('hidden');
    list.closest('[data-question]')?.querySelector('[data-no-answers]')?.remove();
    room.querySelector('[data-chat-empty]')?.remove();
    countPeople();
    say(`New post from ${author}.`);
  });
  source.addEventListener('question', (event) => {
    const { number, label, text, html } = JSON.parse(event.data);
    if (room.querySelector(`[data-question="${number}"]`)) return;
    const section = document.createElement('section');
    for (const old of room.querySelectorAll('.chat-question--current')) old.classList.remove('chat-question--current');
    section.className = 'chat-question chat-question--current';
    section.dataset.question = String(number);
    section.setAttribute('aria-labelledby', `question-${number}`);
    section.innerHTML = `${html}<p class="meta" data-no-answers>No answers yet.</p><ol class="chat-posts" data-chat-posts></ol>`;
    section.querySelector('ol').setAttribute('aria-label', `Answers to ${label}`);
    room.querySelector('[data-chat-questions]').prepend(section);
    const pinned = room.querySelector('[data-current-question]');
    if (pinned) {
      const box = document.createElement('div');
      box.className = 'callout';
      const line = document.createElement('p');
      line.className = 'chat-question__title';
      const tag = document.createElement('span');
      tag.className = 'chat-question__label';
      tag.textContent = label;
      line.append(tag, ` ${text}`);
      box.append(line);
      pinned.querySelector('.callout')?.remove();
      pinned.append(box);
    }
    // Move the composer on, unless the member is writing something else.
    if (textarea && (textarea.value.trim() === '' || textarea.value === prefill(current))) setText(prefill(number));
    current = number;
    say(`${label} was asked: ${text}`);
  });
  source.addEventListener('moderation', (event) => {
    const { postId, highlighted, hidden } = JSON.parse(event.data);
    const item = document.getElementById(`chat-post-${postId}`);
    if (!item) return;
    item.classList.toggle('chat-post--highlighted', highlighted);
    item.classList.toggle('chat-post--hidden', hidden);
    const head = item.querySelector('.chat-post__head');
    let badge = item.querySelector('[data-highlight-badge]');
    if (highlighted && !badge && head) {
      badge = document.createElement('span');
      badge.className = 'badge badge--highlight';
      badge.dataset.highlightBadge = '';
      badge.textContent = '★ Highlighted';
      head.append(' ', badge);
    } else if (!highlighted && badge) badge.remove();
    for (const form of item.querySelectorAll('.chat-post__tools form')) {
      const on = form.action.endsWith('/highlight') ? highlighted : hidden;
      form.querySelector('input[name=on]').value = on ? 'no' : 'yes';
      form.querySelector('button').textContent = form.action.endsWith('/highlight')
        ? on
          ? 'Remove highlight'
          : 'Highlight'
        : on
          ? 'Show again'
          : 'Hide';
    }
  });
  source.addEventListener('delete', (event) => {
    const { id } = JSON.parse(event.data);
    document.getElementById(`chat-post-${id}`)?.remove();
    countPeople();
  });
  source.addEventListener('reset', () => offerReload(room, status));
  source.addEventListener('state', (event) => {
    const { state } = JSON.parse(event.data);
    const badge = room.querySelector('[data-chat-state]');
    if (badge) badge.textContent = state === 'live' ? 'Live now' : state === 'ended' ? 'Ended' : badge.textContent;
    if (state === 'ended') {
      source.close();
      say('The chat has ended. Reload the page for its transcript.');
    } else if (state === 'live') say('The chat has started.');
  });

  // Post an answer without leaving the room; on any problem, the ordinary form submission shows it.
  const form = room.querySelector('.chat-room__composer form');
  if (form && textarea) {
    form.addEventListener('submit', async (event) => {
      if (form.dataset.plain) return;
      event.preventDefault();
      try {
        const response = await fetch(form.action, { method: 'POST', body: new FormData(form), credentials: 'same-origin' });
        // Published: the server redirects after a post (an error re-renders the form instead).
        if (response.ok && response.redirected) {
          setText(prefill(current));
          say('Your post was published.');
          return;
        }
      } catch {
        /* fall through */
      }
      form.dataset.plain = 'true';
      form.requestSubmit();
    });
  }
})();

// The reader's keyboard shortcuts: j/k next/previous item, o open, s star, m read/unread, ? help.
(() => {
  const river = document.querySelector('[data-river]');
  const help = document.getElementById('shortcuts');
  if (!river && !document.querySelector('article[data-item]')) return;
  const items = () => [...document.querySelectorAll('article[data-item]')];
  const current = () => document.activeElement?.closest?.('article[data-item]');
  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target && (target.isContentEditable || /^(input|textarea|select)$/i.test(target.tagName))) return;
    const list = items();
    const here = current() || (list.length === 1 ? list[0] : null);
    const move = (step) => {
      const index = here ? list.indexOf(here) + step : 0;
      const next = list[Math.max(0, Math.min(list.length - 1, index))];
      if (next) {
        next.focus();
        next.scrollIntoView({ block: 'nearest' });
      }
    };
    const submit = (key) => {
      const form = here?.querySelector(`form[data-key="${key}"]`);
      if (form) form.requestSubmit();
    };
    switch (event.key) {
      case 'j':
        move(1);
        break;
      case 'k':
        move(-1);
        break;
      case 'o': {
        const link = here?.querySelector('a[data-open]');
        if (link) link.click();
        break;
      }
      case 's':
        submit('s');
        break;
      case 'm':
        submit('m');
        break;
      case '?':
        if (help) {
          help.open = !help.open;
          if (help.open) help.querySelector('summary').focus();
        }
        break;
      default:
        return;
    }
    event.preventDefault();
  });
})();
