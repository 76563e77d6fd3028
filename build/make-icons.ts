/**
 * Renders the Lookout icon set from SVG with Debian's Chromium (no downloads), writes the PNGs
 * that electron-builder and the tray need (coloured tray icons, and monochrome `*Template.png`
 * ones for the macOS menu bar), and packs `icon.ico` (Windows) and `icon.icns` (macOS) from those
 * PNGs. Run: `npx tsx build/make-icons.ts` (commit the results).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { trayIconName } from '../electron/desktop/tray-view';

const here = dirname(fileURLToPath(import.meta.url));
const APP_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const HEALTH_COLOR = {
  ok: '#22c55e',
  degraded: '#f59e0b',
  disconnected: '#94a3b8',
  'sign-in': '#3b82f6',
} as const;

/** The pause mark (top left) of a paused or quiet tray icon: two bars on a slate disc. */
const PAUSED_MARK =
  '<circle cx="14" cy="14" r="12" fill="#475569" stroke="#ffffff" stroke-width="3"/><rect x="8.5" y="8" width="4" height="12" rx="1" fill="#ffffff"/><rect x="15.5" y="8" width="4" height="12" rx="1" fill="#ffffff"/>';

/**
 * The tray glyph: the bell, a health dot (bottom right), when unread a red badge (top right), and
 * when notifications are held (paused, quiet hours, off) a pause mark (top left).
 */
function traySvg(health: keyof typeof HEALTH_COLOR, unread: boolean, paused: boolean): string {
  const bellOpacity = health === 'disconnected' ? 0.55 : 1;
  const slash =
    health === 'disconnected'
      ? '<path d="M6 6 L58 58" stroke="#475569" stroke-width="6" stroke-linecap="round"/>'
      : '';
  const key =
    health === 'sign-in' ? '<rect x="45" y="46" width="6" height="10" rx="1" fill="#ffffff"/>' : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">
  <g opacity="${bellOpacity}">
    <path d="M30 6c-2 0-3 1.5-3 3v1.5C19 12 14 19 14 27v10l-5 6c-1 1.5 0 3.5 2 3.5h38c2 0 3-2 2-3.5l-5-6V27c0-8-5-15-13-16.5V9c0-1.5-1-3-3-3z"
      fill="#e2e8f0" stroke="#1e293b" stroke-width="3"/>
    <path d="M24 50a6 6 0 0 0 12 0z" fill="#e2e8f0" stroke="#1e293b" stroke-width="3"/>
  </g>
  ${slash}
  <circle cx="48" cy="50" r="12" fill="${HEALTH_COLOR[health]}" stroke="#0f172a" stroke-width="3"/>
  ${key}
  ${unread ? '<circle cx="50" cy="13" r="11" fill="#ef4444" stroke="#ffffff" stroke-width="3"/>' : ''}
  ${paused ? PAUSED_MARK : ''}
</svg>`;
}

/**
 * The macOS menu-bar glyph (`*Template.png`): black on transparent, since macOS draws template
 * images in the menu bar's own colour (light or dark) and ignores colour. Health is shown by shape:
 * a "!" (degraded), a slash (disconnected), a padlock (sign-in), a dot for unread, two bars for paused.
 */
function trayTemplateSvg(
  health: keyof typeof HEALTH_COLOR,
  unread: boolean,
  paused: boolean,
): string {
  const cutBadge = health === 'degraded' || health === 'sign-in';
  const mark =
    health === 'degraded'
      ? '<rect x="44" y="36" width="8" height="16" rx="2"/><circle cx="48" cy="58" r="4"/>'
      : health === 'sign-in'
        ? '<rect x="38" y="47" width="20" height="14" rx="2"/><path d="M42 47v-4a6 6 0 0 1 12 0v4" stroke="#000" stroke-width="3.5" fill="none"/>'
        : health === 'disconnected'
          ? '<path d="M8 8 L56 56" stroke="#000" stroke-width="5" stroke-linecap="round"/>'
          : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">
  <defs><mask id="cut"><rect width="64" height="64" fill="#fff"/>
    ${unread ? '<circle cx="50" cy="13" r="15" fill="#000"/>' : ''}
    ${cutBadge ? '<circle cx="48" cy="50" r="17" fill="#000"/>' : ''}
    ${health === 'disconnected' ? '<path d="M8 8 L56 56" stroke="#000" stroke-width="13"/>' : ''}
    ${paused ? '<circle cx="14" cy="14" r="15" fill="#000"/>' : ''}
  </mask></defs>
  <g mask="url(#cut)" fill="#000">
    <path d="M30 6c-2 0-3 1.5-3 3v1.5C19 12 14 19 14 27v10l-5 6c-1 1.5 0 3.5 2 3.5h38c2 0 3-2 2-3.5l-5-6V27c0-8-5-15-13-16.5V9c0-1.5-1-3-3-3z"/>
    <path d="M24 50a6 6 0 0 0 12 0z"/>
  </g>
  <g fill="#000">${mark}${unread ? '<circle cx="50" cy="13" r="10"/>' : ''}${
    paused
      ? '<rect x="6" y="5" width="6" height="18" rx="1.5"/><rect x="16" y="5" width="6" height="18" rx="1.5"/>'
      : ''
  }</g>
</svg>`;
}

async function render(page: Page, svg: string, size: number): Promise<Buffer> {
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(
    `<html><body style="margin:0;background:transparent">${svg.replace(
      '<svg ',
      `<svg width="${size}" height="${size}" `,
    )}</body></html>`,
  );
  return page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
}

/** ICO with PNG entries (Vista+), sizes up to 256. */
function packIco(images: Array<{ size: number; png: Buffer }>): Buffer {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, png }, i) => {
    const e = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, e);
    header.writeUInt8(size >= 256 ? 0 : size, e + 1);
    header.writeUInt16LE(1, e + 4);
    header.writeUInt16LE(32, e + 6);
    header.writeUInt32LE(png.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...images.map((i) => i.png)]);
}

/** ICNS with PNG entries (OS X 10.7+). */
function packIcns(bySize: Map<number, Buffer>): Buffer {
  const types: Array<[string, number]> = [
    ['icp4', 16],
    ['icp5', 32],
    ['icp6', 64],
    ['ic07', 128],
    ['ic08', 256],
    ['ic09', 512],
    ['ic10', 1024],
    ['ic11', 32],
    ['ic12', 64],
    ['ic13', 256],
    ['ic14', 512],
  ];
  const chunks = types.map(([type, size]) => {
    const png = bySize.get(size);
    if (!png) throw new Error(`no ${size}px image for ${type}`);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const body = Buffer.concat(chunks);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([head, body]);
}

async function main(): Promise<void> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
  try {
    const page = await browser.newPage({ deviceScaleFactor: 1 });
    const appSvg = readFileSync(join(here, 'icon.svg'), 'utf8');
    const bySize = new Map<number, Buffer>();
    mkdirSync(join(here, 'icons'), { recursive: true });
    for (const size of APP_SIZES) {
      const png = await render(page, appSvg, size);
      bySize.set(size, png);
      writeFileSync(join(here, 'icons', `${size}x${size}.png`), png);
    }
    writeFileSync(join(here, 'icon.png'), bySize.get(1024)!);
    writeFileSync(
      join(here, 'icon.ico'),
      packIco([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, png: bySize.get(size)! }))),
    );
    writeFileSync(join(here, 'icon.icns'), packIcns(bySize));

    mkdirSync(join(here, 'tray'), { recursive: true });
    for (const health of Object.keys(HEALTH_COLOR) as Array<keyof typeof HEALTH_COLOR>) {
      for (const unread of [false, true]) {
        for (const paused of [false, true]) {
          const name = trayIconName(health, unread, paused);
          const svg = traySvg(health, unread, paused);
          writeFileSync(join(here, 'tray', `${name}.png`), await render(page, svg, 16));
          writeFileSync(join(here, 'tray', `${name}@2x.png`), await render(page, svg, 32));
          if (!unread && !paused) writeFileSync(join(here, 'tray', `${name}.svg`), svg);
          const template = trayTemplateSvg(health, unread, paused);
          writeFileSync(
            join(here, 'tray', `${name}Template.png`),
            await render(page, template, 16),
          );
          writeFileSync(
            join(here, 'tray', `${name}Template@2x.png`),
            await render(page, template, 32),
          );
        }
      }
    }
    console.log(`icons written to ${here}`);
  } finally {
    await browser.close();
  }
}

await main();
