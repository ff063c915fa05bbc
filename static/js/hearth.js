// Progressive enhancement only: every page works without this file.
'use strict';

// Quick exit: leave for a neutral page and replace this page in the history,
// so the back button does not return here. The page goes blank at once, before
// the other site has loaded. Escape pressed twice within a second does the
// same on every page that has a quick-exit link (every page of a signed-in
// person); the link's address is the site's, so it is written only once.
(() => {
  const ESCAPE_TWICE_MS = 1000;
  const leave = (href) => {
    document.documentElement.classList.add('is-leaving');
    window.location.replace(href);
  };
  document.addEventListener('click', (event) => {
    const link = event.target.closest('[data-quick-exit]');
    if (!link) return;
    event.preventDefault();
    leave(link.href);
  });
  let lastEscape = -Infinity;
  // in the capture phase, so a field or a dialog that handles Escape itself
  // cannot swallow it; a held key's repeats do not count as a second press
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || event.repeat || event.isComposing) return;
    const link = document.querySelector('[data-quick-exit]');
    if (!link) return;
    if (event.timeStamp - lastEscape <= ESCAPE_TWICE_MS) {
      leave(link.href);
    } else {
      lastEscape = event.timeStamp;
    }
  }, true);
})();

// Sign-up: start with the browser's time zone instead of UTC, when the list
// has it. The server marks the select only while nothing was chosen (a form
// that came back keeps the person's choice). Browsers name a few zones by
// their old names (ICU's), which the list knows by today's.
{
  const renamed = {
    'Asia/Calcutta': 'Asia/Kolkata', 'Asia/Katmandu': 'Asia/Kathmandu', 'Asia/Saigon': 'Asia/Ho_Chi_Minh',
    'Asia/Rangoon': 'Asia/Yangon', 'Europe/Kiev': 'Europe/Kyiv', 'Atlantic/Faeroe': 'Atlantic/Faroe',
    'America/Godthab': 'America/Nuuk', 'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
    'America/Indianapolis': 'America/Indiana/Indianapolis', 'America/Louisville': 'America/Kentucky/Louisville',
  };
  for (const select of document.querySelectorAll('select[data-time-zone]')) {
    try {
      const found = Intl.DateTimeFormat().resolvedOptions().timeZone;
      const zone = renamed[found] || found;
      if (zone && Array.from(select.options).some((o) => o.value === zone)) select.value = zone;
    } catch {
      // An old browser: UTC stays chosen, changeable here or in settings.
    }
  }
}

// A form that came back with errors: move focus to its summary, so the first
// thing seen and read is what to fix; its links lead to each field. Without
// this script the page title starts with "Error: ".
{
  const summary = document.querySelector('.error-summary');
  if (summary) summary.focus();
}

// Live pages: a region marked data-live="NAME" data-live-on="TYPES" (event
// types, "share." for all of Share's, "*" for any) is fetched again when its
// couple's stream (GET /events) tells of such an event, and swapped in place,
// unless the person is typing in it. Events are hints: the page itself comes
// through the usual access rules. The stream is closed while the tab is
// hidden; coming back refreshes once. Without this script a reload shows the
// same. On every page of a paired person (body[data-signals]) a gesture from
// the partner is announced: a small note that can be dismissed.
(() => {
  const regions = () => Array.from(document.querySelectorAll('[data-live]'));
  const signals = document.body.hasAttribute('data-signals');
  if ((regions().length === 0 && !signals) || !window.EventSource || !window.fetch) return;

  // A gesture: fetched for its recipient (the event carries only its id)
  // and shown in the announcement area, newest on top, until dismissed.
  const announce = async (id) => {
    const area = document.querySelector('[data-announce]');
    if (!area || !/^\d+$/.test(id)) return;
    let gesture;
    try {
      const res = await fetch(`/api/v1/signals/gestures/${id}`, { credentials: 'same-origin' });
      if (!res.ok) return;
      ({ gesture } = await res.json());
    } catch {
      return;
    }
    const note = document.createElement('div');
    note.className = 'announce-item';
    const icon = document.createElement('span');
    icon.className = 'gesture-icon';
    icon.innerHTML = gesture.icon_html; // the server's own drawing
    const text = document.createElement('p');
    const who = document.createElement('strong');
    who.textContent = `${gesture.from} sent you ${gesture.words}`;
    text.append(who);
    if (gesture.note) text.append(document.createElement('br'), `“${gesture.note}”`);
    const dismiss = document.createElement('button');
    dismiss.type = 'button';
    dismiss.className = 'announce-close';
    dismiss.setAttribute('aria-label', 'Dismiss');
    dismiss.textContent = '×';
    dismiss.addEventListener('click', () => note.remove());
    note.append(icon, text, dismiss);
    area.prepend(note);
  };

  const wants = (region, type) =>
    (region.dataset.liveOn || '*').split(/\s+/).some((t) =>
      t === '*' || t === type || (t.endsWith('.') && type.startsWith(t)));

  // Someone is writing here: a focused field, or one whose value changed.
  const busy = (region) =>
    region.contains(document.activeElement) && document.activeElement.matches('input, textarea, select') ||
    Array.from(region.querySelectorAll('input, textarea')).some((f) =>
      f.type !== 'hidden' && (f.type === 'checkbox' || f.type === 'radio'
        ? f.checked !== f.defaultChecked : f.value !== f.defaultValue));

  let fetching = null;
  const refresh = async (type) => {
    const due = regions().filter((r) => type === null || wants(r, type));
    if (due.length === 0) return;
    if (fetching) await fetching.catch(() => {});
    fetching = fetch(window.location.href, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
    let response;
    try {
      response = await fetching;
    } catch {
      return; // offline for a moment: the next event or a reload catches up
    } finally {
      fetching = null;
    }
    if (!response.ok) return;
    // the page now lives elsewhere (the partner joined: /pair leads to /us)
    if (response.redirected && new URL(response.url).pathname !== window.location.pathname) {
      window.location.assign(response.url);
      return;
    }
    const fresh = new DOMParser().parseFromString(await response.text(), 'text/html');
    for (const region of due) {
      const next = fresh.querySelector(`[data-live="${CSS.escape(region.dataset.live)}"]`);
      if (next && !busy(region) && next.innerHTML !== region.innerHTML) {
        region.innerHTML = next.innerHTML;
      }
    }
  };

  // every event is a plain message whose data is {"type": ..., "id": ...}
  let stream = null;
  const open = () => {
    if (stream) return;
    stream = new EventSource('/events');
    stream.onmessage = (event) => {
      let type;
      try {
        ({ type } = JSON.parse(event.data));
      } catch {
        return;
      }
      if (typeof type !== 'string') return;
      if (type === 'signals.gesture' && signals) announce(String(JSON.parse(event.data).id));
      refresh(type);
    };
  };
  const close = () => {
    if (stream) stream.close();
    stream = null;
  };
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) {
      close();
    } else {
      open();
      refresh(null);
    }
  });
  // after the load event: a stream opened earlier would keep the page loading
  const start = () => { if (!document.hidden) open(); };
  if (document.readyState === 'complete') start();
  else window.addEventListener('load', start);
})();

// Invites: Share (the phone's own share sheet, where the browser has one)
// and Copy link. Without them the link is there to select by hand.
for (const button of document.querySelectorAll('[data-share-link]')) {
  if (!navigator.share) continue;
  button.hidden = false;
  button.addEventListener('click', () => {
    navigator.share({ title: 'Hearth', text: button.dataset.shareText, url: button.dataset.shareLink })
      .catch(() => {}); // closed without sharing
  });
}
for (const button of document.querySelectorAll('[data-copy]')) {
  if (!navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(button.dataset.copy);
      const done = button.parentElement.querySelector('[data-copied]');
      if (done) done.hidden = false;
    } catch {
      // not allowed here: the link stays on the page to copy by hand
    }
  });
}

// Listen, together: a gentle timer for the one speaking. Start shows the
// minutes counting down; at the end a quiet line suggests a pause. Nothing
// rings and nothing stops anyone. Clicks are caught on the document, so a
// live update of the page keeps the button working.
{
  let ticking = null;
  const show = (box, left) => {
    const text = box.querySelector('.timer-text');
    const m = Math.floor(left / 60);
    const s = String(left % 60).padStart(2, '0');
    text.textContent = `${m}:${s} left for this turn`;
    if (left === 0) {
      text.hidden = true;
      box.querySelector('.timer-done').hidden = false;
    }
  };
  for (const box of document.querySelectorAll('[data-timer]')) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'button button-quiet';
    button.dataset.timerStart = '';
    button.textContent = 'Start the timer';
    box.append(button);
  }
  document.addEventListener('click', (event) => {
    const button = event.target.closest('[data-timer-start]');
    if (!button) return;
    const box = button.closest('[data-timer]');
    const end = Date.now() + Number(box.dataset.timer) * 1000;
    button.remove();
    clearInterval(ticking);
    const tick = () => {
      const current = document.querySelector('[data-timer]');
      const left = Math.max(0, Math.round((end - Date.now()) / 1000));
      if (current) show(current, left);
      if (left === 0) clearInterval(ticking);
    };
    ticking = setInterval(tick, 1000);
    tick();
  });
}

// Time together: the quiet screen's clock counts up from when it started.
{
  const tick = () => {
    const clock = document.querySelector('.together-clock[data-since]');
    if (!clock) return;
    const minutes = Math.max(0, Math.floor((Date.now() - Number(clock.dataset.since)) / 60000));
    clock.textContent = minutes < 60 ? `${minutes} min`
      : `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
  };
  tick();
  setInterval(tick, 15000);
}
