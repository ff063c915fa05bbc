// Renders the PNG icons of the web app manifest and the apple-touch-icon
// from static/icons/hearth.svg, with Debian's Chromium (the browser tests'
// playwright-core). Run it after changing the SVG and commit the PNGs:
//
//   node scripts/icons.mjs
//
// icon-192.png, icon-512.png   "any": the logo on a rounded cream tile
// icon-maskable-512.png        "maskable": a full cream square, the logo well
//                              inside the safe zone (the middle 80%), since
//                              launchers cut their own shape out of it
// apple-touch-icon.png (180)   a full square: iOS rounds the corners itself
//
// The cream is the stylesheet's light background (--bg, #fbf7f2), which the
// manifest also names as its background colour.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const icons = resolve(new URL('.', import.meta.url).pathname, '../static/icons');
const svg = readFileSync(join(icons, 'hearth.svg'));
const logo = `data:image/svg+xml;base64,${svg.toString('base64')}`;
const CREAM = '#fbf7f2';

// name, size in pixels, corner radius and logo size as shares of the size
const renders = [
  { name: 'icon-192.png', size: 192, radius: 0.22, logo: 0.66 },
  { name: 'icon-512.png', size: 512, radius: 0.22, logo: 0.66 },
  { name: 'icon-maskable-512.png', size: 512, radius: 0, logo: 0.5 },
  { name: 'apple-touch-icon.png', size: 180, radius: 0, logo: 0.62 },
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  for (const r of renders) {
    const page = await browser.newPage({ viewport: { width: r.size, height: r.size } });
    const side = Math.round(r.size * r.logo);
    await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">
      <div style="width:${r.size}px;height:${r.size}px;display:grid;place-items:center;
        background:${CREAM};border-radius:${Math.round(r.size * r.radius)}px">
        <img src="${logo}" width="${side}" height="${side}" alt="">
      </div></body></html>`);
    await page.locator('img').evaluate((img) => img.decode());
    await page.screenshot({ path: join(icons, r.name), omitBackground: true });
    await page.close();
    console.log(`static/icons/${r.name}`);
  }
} finally {
  await browser.close();
}
