// Progressive enhancement only: every page works without this file.
(() => {
  'use strict';

  // Move focus to the error summary so keyboard and screen-reader users hear what went wrong.
  const summary = document.querySelector('.error-summary');
  if (summary) summary.focus();

  // Default the time zone on the sign-up form to the browser's own.
  const tz = document.querySelector('input[type=hidden][name=timeZone]:not([value]), input[type=hidden][name=timeZone][value=""]');
  if (tz) {
    try { tz.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch { /* keep empty */ }
  }

  // Passion autocomplete: suggest existing passions for the word being typed in a comma-separated list.
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
          list.replaceChildren(
            ...passions
              .filter((p) => !before.some((b) => b.toLowerCase() === p.name.toLowerCase()))
              .map((p) => {
                const option = document.createElement('option');
                option.value = [...before, p.name].join(', ');
                return option;
              }),
          );
        } catch { /* offline: no suggestions */ }
      }, 150);
    });
  }

  // Warn before uploading a photo over the limit, instead of after the upload.
  for (const input of document.querySelectorAll('input[type=file][data-max-bytes]')) {
    input.addEventListener('change', () => {
      const max = Number(input.dataset.maxBytes);
      const file = input.files && input.files[0];
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
      timer = setTimeout(() => { announcer.textContent = counter.textContent; }, 1000);
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
    const list = timeline && timeline.querySelector('.timeline__list');
    const status = timeline && timeline.querySelector('[data-live-status]');
    source.addEventListener('post', (event) => {
      if (!list) return;
      const { key, author, html } = JSON.parse(event.data);
      if (list.querySelector(`[data-post-key="${key}"]`)) return;
      const item = document.createElement('li');
      item.innerHTML = html;
      item.firstElementChild && item.firstElementChild.classList.add('post--new');
      list.prepend(item);
      const empty = timeline.querySelector('.timeline__empty');
      if (empty) empty.remove();
      if (status) status.textContent = `New post from ${author}.`;
    });
    source.addEventListener('delete', (event) => {
      const { id } = JSON.parse(event.data);
      for (const post of document.querySelectorAll(`[data-post-key^="${id}:"]`)) post.closest('li')?.remove();
    });
    source.addEventListener('notifications', (event) => {
      const { unread } = JSON.parse(event.data);
      const badge = document.querySelector('[data-unread]');
      const label = document.querySelector('[data-unread-label]');
      if (badge) {
        badge.textContent = String(unread);
        badge.hidden = unread === 0;
      }
      if (label) label.textContent = unread === 0 ? '' : ` (${unread} unread)`;
    });
  }

  // Confirm destructive actions.
  for (const form of document.querySelectorAll('form[data-confirm]')) {
    form.addEventListener('submit', (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
})();

// The reader's keyboard shortcuts: j/k next/previous item, o open, s star, m read/unread, ? help.
(() => {
  'use strict';
  const river = document.querySelector('[data-river]');
  const help = document.getElementById('shortcuts');
  if (!river && !document.querySelector('article[data-item]')) return;
  const items = () => [...document.querySelectorAll('article[data-item]')];
  const current = () => document.activeElement && document.activeElement.closest && document.activeElement.closest('article[data-item]');
  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target && (target.isContentEditable || /^(input|textarea|select)$/i.test(target.tagName))) return;
    const list = items();
    const here = current() || (list.length === 1 ? list[0] : null);
    const move = (step) => {
      const index = here ? list.indexOf(here) + step : 0;
      const next = list[Math.max(0, Math.min(list.length - 1, index))];
      if (next) { next.focus(); next.scrollIntoView({ block: 'nearest' }); }
    };
    const submit = (key) => {
      const form = here && here.querySelector(`form[data-key="${key}"]`);
      if (form) form.requestSubmit();
    };
    switch (event.key) {
      case 'j': move(1); break;
      case 'k': move(-1); break;
      case 'o': { const link = here && here.querySelector('a[data-open]'); if (link) link.click(); break; }
      case 's': submit('s'); break;
      case 'm': submit('m'); break;
      case '?': if (help) { help.open = !help.open; if (help.open) help.querySelector('summary').focus(); } break;
      default: return;
    }
    event.preventDefault();
  });
})();
