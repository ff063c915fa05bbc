// Hearth on a phone: no page is wider than a 320 px screen (wide tables
// scroll inside their own box), the header is one compact row with a quiet
// "Log out" and a visible quick exit, and the pages look calm in light and
// dark (screenshots at 390 px in tests/browser/out/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../http/server.mjs';
import { phone, shot, useHearth } from './browser.mjs';

const hearth = useHearth();
const guide = 'share-a-little-more-of-yourself';

// Ana (an operator) and Bo, paired through the forms: {ana, bo}, each
// {session}. Made by the first test (useHearth's hooks start the server and
// the browser).
let made;
const people = () => {
  made ??= (async () => {
    const a = await phone(hearth.browser);
    const b = await phone(hearth.browser);
    await hearth.signUp(a.page, 'Ana', 'ana.phone@example.org');
    await hearth.signUp(b.page, 'Bo', 'bo.phone@example.org');
    await hearth.pairUp(a.page, b.page);
    const session = async (p) => (await p.context.cookies()).find((c) => c.name === 'hearth_session').value;
    const out = { ana: { session: await session(a) }, bo: { session: await session(b) } };
    await a.context.close();
    await b.context.close();
    const granted = run(['admin', 'grant', 'ana.phone@example.org', '--db', hearth.server.db]);
    assert.equal(granted.status, 0, granted.stderr);
    // a held comment with a long name, address and link for the moderation page
    const res = await fetch(`${hearth.server.url}/api/v1/guides/${guide}/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Robin Withaverylongnamethatdoesnotbreak',
        email: 'robin.with.a.rather.long.address@subdomain.example.org',
        comment: 'We read https://example.org/a/very/long/path/that/goes/on/and/on/without/a/break/anywhere and liked it.',
      }),
    });
    assert.equal(res.status, 201);
    return out;
  })();
  return made;
};

// A phone of width (390 by default) signed in as person, or a visitor.
async function open(person, { width = 390, scheme = 'light' } = {}) {
  const p = await phone(hearth.browser, { viewport: { width, height: 740 }, colorScheme: scheme });
  if (person) await p.context.addCookies([{ name: 'hearth_session', value: person.session, url: hearth.server.url }]);
  return p;
}

// Elements whose box reaches past the screen's right edge, except inside a
// box of their own that scrolls sideways and itself fits.
function overflowing(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const fitsInScroller = (el) => {
      for (let a = el.parentElement; a; a = a.parentElement) {
        const style = getComputedStyle(a);
        if (/(auto|scroll|hidden|clip)/.test(style.overflowX)) {
          return a.getBoundingClientRect().right <= width + 0.5;
        }
      }
      return false;
    };
    const out = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if ((r.right > width + 0.5 || r.left < -0.5) && !fitsInScroller(el)) {
        out.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(r.left)}..${Math.round(r.right)}`);
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, width, out };
  });
}

const pages = ['/', '/us', '/share', '/share/questions', '/share/archive', '/share/settings',
  '/account', '/account/sessions', '/safety', '/guides', `/guides/${guide}`, '/admin/guides',
  '/admin/comments', '/admin/settings', '/admin/guides/new'];

test('at 320 px no page is wider than the screen; wide tables scroll inside their own box', async () => {
  const { ana } = await people();
  for (const person of [ana, null]) {
    const { context, page } = await open(person, { width: 320 });
    for (const path of person ? pages : ['/', '/guides', `/guides/${guide}`, '/login', '/signup', '/safety']) {
      const res = await page.goto(hearth.server.url + path);
      assert.equal(res.status(), 200, path);
      const { scrollWidth, width, out } = await overflowing(page);
      assert.equal(width, 320);
      assert.ok(scrollWidth <= 320, `${path}: the page is ${scrollWidth} px wide`);
      assert.deepEqual(out, [], `${path}: past the edge`);
    }
    await context.close();
  }
});

test('the tables that do not fit scroll in a focusable box, not the page', async () => {
  const { ana } = await people();
  const { context, page } = await open(ana, { width: 320 });
  for (const path of ['/share/questions', '/admin/guides']) {
    await page.goto(hearth.server.url + path);
    const box = page.locator('.table-scroll');
    assert.equal(await box.count(), 1, path);
    assert.equal(await box.getAttribute('tabindex'), '0', `${path}: keyboard users can scroll it`);
    assert.ok(await box.getAttribute('aria-labelledby'), `${path}: the box is a named region`);
    const { client, scroll } = await box.evaluate((el) => ({ client: el.clientWidth, scroll: el.scrollWidth }));
    assert.ok(client <= 320 && scroll >= client, path);
  }
  await context.close();
});

// The header's parts and their boxes.
function header(page) {
  return page.evaluate(() => {
    const box = (sel) => {
      const el = document.querySelector(sel);
      if (!el) return null;
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      return {
        top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height,
        font: parseFloat(s.fontSize), border: s.borderTopWidth, background: s.backgroundColor,
        visible: s.visibility === 'visible' && r.width > 0,
      };
    };
    return {
      header: box('.site-header'),
      brand: box('.brand'),
      links: [...document.querySelectorAll('.nav-links > li')].map((li) => {
        const r = li.getBoundingClientRect();
        return { top: r.top, bottom: r.bottom };
      }),
      link: box('.nav-links a'),
      logout: box('.nav-logout'),
      exit: box('.quick-exit'),
    };
  });
}

test('on a phone the header is one compact row: the links, a quiet log out and a visible quick exit', async () => {
  const { bo } = await people();
  for (const width of [320, 390]) {
    const { context, page } = await open(bo, { width });
    await page.goto(`${hearth.server.url}/us`);
    const h = await header(page);
    assert.ok(h.header.height <= 60, `${width}: the header is ${h.header.height} px tall`);
    const row = (b) => b.top >= h.header.top && b.bottom <= h.header.bottom;
    assert.ok(row(h.brand) && row(h.exit) && h.links.every(row), `${width}: one row`);
    assert.ok(h.exit.visible && h.exit.right <= width && h.exit.height >= 32, `${width}: quick exit shows`);
    assert.notEqual(h.exit.background, 'rgba(0, 0, 0, 0)', 'quick exit is a filled button');
    assert.ok(h.logout.font < h.link.font, `${width}: log out is smaller than the links`);
    assert.equal(h.logout.border, '0px', 'log out has no pill');
    assert.equal(h.logout.background, 'rgba(0, 0, 0, 0)');
    assert.ok(h.logout.height >= 44 && h.exit.height >= 32, 'still easy to tap');
    // what is hidden on the smallest phones keeps the accessible names
    assert.equal(await page.getByRole('link', { name: 'Quick exit' }).count(), 1);
    assert.equal(await page.getByRole('link', { name: 'Hearth' }).count(), 1);
    await context.close();
  }
  for (const width of [320, 390]) {
    const { context, page } = await open(null, { width });
    await page.goto(`${hearth.server.url}/`);
    const h = await header(page);
    assert.ok(h.header.height <= 60, `visitor at ${width}: the header is ${h.header.height} px tall`);
    await context.close();
  }
});

test('screenshots at 390 px, light and dark: Us, the questions, a guide, the safety page, an admin table', async () => {
  const { ana, bo } = await people();
  for (const scheme of ['light', 'dark']) {
    for (const [person, name, path] of [[bo, 'us', '/us'], [bo, 'questions', '/share/questions'],
      [bo, 'guide', `/guides/${guide}`], [bo, 'safety', '/safety'], [ana, 'admin-guides', '/admin/guides']]) {
      const { context, page } = await open(person, { scheme });
      await page.goto(hearth.server.url + path);
      await shot(page, `phone-${name}-${scheme}`);
      await context.close();
    }
  }
  const { context, page } = await open(null, { width: 320 });
  await page.goto(`${hearth.server.url}/`);
  await shot(page, 'phone-320-landing');
  await context.close();
  const small = await open(bo, { width: 320 });
  await small.page.goto(`${hearth.server.url}/share/questions`);
  await shot(small.page, 'phone-320-questions');
  await small.context.close();
});
