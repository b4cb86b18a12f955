// A strip of the `digits` preset's images, so a student sees the data the curves are about:
// the first images of seed 0's source pool (pre-training learns their digit) and of its target
// pool (the caulk learns their parity from the first n). Pixels are 8×8 counts 0-16, drawn as
// squares whose ink is the count over 16 (currentColor, so the strip follows the theme).

import { el } from './plot';

/** One image of `digits_preview` (Rust `data::digits::Preview`). */
export interface DigitImage {
  pixels: number[];
  digit: number;
  parity: number;
}

/** `digits_preview`'s object (Rust `data::digits::Previews`). */
export interface DigitPreviews {
  source: DigitImage[];
  target: DigitImage[];
}

/** One 8×8 image as a small SVG with its caption under it. */
function image(d: DigitImage, caption: string): HTMLElement {
  const cell = document.createElement('figure');
  cell.className = 'digit';
  const svg = el('svg', { viewBox: '0 0 8 8', role: 'img', 'aria-label': `a handwritten ${d.digit}` });
  d.pixels.forEach((v, i) => {
    if (v > 0) el('rect', { x: i % 8, y: Math.floor(i / 8), width: 1.02, height: 1.02, 'fill-opacity': (v / 16).toFixed(3) }, svg);
  });
  const label = document.createElement('figcaption');
  label.textContent = caption;
  cell.append(svg, label);
  return cell;
}

/** One labelled row of images. */
function row(title: string, images: DigitImage[], caption: (d: DigitImage) => string): HTMLElement {
  const box = document.createElement('div');
  box.className = 'digit-row';
  const head = document.createElement('p');
  head.className = 'digit-row-title';
  head.textContent = title;
  const strip = document.createElement('div');
  strip.className = 'digit-strip';
  strip.append(...images.map((d) => image(d, caption(d))));
  box.append(head, strip);
  return box;
}

/** The data's licence requires its attribution wherever the images are shown (CC BY 4.0). */
function attribution(): HTMLElement {
  const p = document.createElement('p');
  p.className = 'note attribution';
  p.append('Images: Optical Recognition of Handwritten Digits, E. Alpaydin and C. Kaynak (1998), UCI Machine Learning Repository, ');
  const doi = document.createElement('a');
  doi.href = 'https://doi.org/10.24432/C50P49';
  doi.textContent = 'doi:10.24432/C50P49';
  const licence = document.createElement('a');
  licence.href = 'https://creativecommons.org/licenses/by/4.0/';
  licence.textContent = 'CC BY 4.0';
  p.append(doi, ', licensed ', licence, '. Writers are mixed across the source, target and test images (the file does not say who wrote which).');
  return p;
}

/** Fill `host` with the two rows of `p` and the data's attribution. */
export function drawDigits(host: HTMLElement, p: DigitPreviews): void {
  host.replaceChildren(
    row('Pre-training (m images) learns the digit:', p.source, (d) => String(d.digit)),
    row('Downstream (n images), odd or even, learned on the frozen classifier:', p.target, (d) => (d.parity ? 'odd' : 'even')),
    attribution(),
  );
}
