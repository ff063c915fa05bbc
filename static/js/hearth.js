// Progressive enhancement only: every page works without this file.
'use strict';

// Quick exit: leave for a neutral page and replace this page in the history,
// so the back button does not return here.
document.addEventListener('click', (event) => {
  const link = event.target.closest('[data-quick-exit]');
  if (!link) return;
  event.preventDefault();
  window.location.replace(link.href);
});

// Sign-up: start with the browser's time zone instead of UTC.
for (const input of document.querySelectorAll('input[data-time-zone]')) {
  if (input.value) continue;
  try {
    input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
  } catch {
    // An old browser: the server falls back to UTC, changeable in settings.
  }
}
