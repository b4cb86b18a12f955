// A small log-log line plot drawn as SVG with DOM calls only: no HTML strings, no inline
// styles (the page's CSP allows style sheets from 'self' only). Colours and dashes come
// from CSS classes `series-<id>`.

const SVG = 'http://www.w3.org/2000/svg';

export interface Series {
  id: string;
  label: string;
  x: number[];
  y: number[];
}

export interface PlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
}

const W = 640;
const H = 400;
const M = { left: 64, right: 16, top: 16, bottom: 48 };

function el<K extends keyof SVGElementTagNameMap>(
  name: K,
  attrs: Record<string, string | number>,
  parent?: Element,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  parent?.appendChild(node);
  return node;
}

/** Ticks m·10^k (m from 1, then 1-2-5, then 1…9) inside [lo, hi], at least 3 when possible. */
export function logTicks(lo: number, hi: number): number[] {
  const k0 = Math.floor(Math.log10(lo));
  const k1 = Math.ceil(Math.log10(hi));
  let out: number[] = [];
  for (const mults of [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    out = [];
    for (let k = k0; k <= k1; k++) {
      for (const m of mults) {
        const v = m * 10 ** k;
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
      }
    }
    if (out.length >= 3) break;
  }
  return out;
}

/** Compact tick label: 128, 2k, 0.05, 1e-4. */
export function tickLabel(v: number): string {
  if (v >= 1e5 || v < 1e-3) return v.toExponential(0).replace('e+', 'e');
  if (v >= 1000) return `${+(v / 1000).toPrecision(3)}k`;
  return String(+v.toPrecision(3));
}

/** Draw `series` on log-log axes into `host`, replacing what was there. */
export function renderLogLog(host: Element, series: Series[], opt: PlotOptions): SVGSVGElement {
  const xs = series.flatMap((s) => s.x).filter((v) => v > 0 && Number.isFinite(v));
  const ys = series.flatMap((s) => s.y).filter((v) => v > 0 && Number.isFinite(v));
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  // 8 % head room in log space above and below the data.
  const ly0 = Math.log10(Math.min(...ys));
  const ly1 = Math.log10(Math.max(...ys));
  const pad = Math.max(0.08 * (ly1 - ly0), 0.05);
  const [y0, y1] = [10 ** (ly0 - pad), 10 ** (ly1 + pad)];

  const px = (v: number) =>
    M.left + ((Math.log10(v) - Math.log10(x0)) / (Math.log10(x1) - Math.log10(x0) || 1)) * (W - M.left - M.right);
  const py = (v: number) =>
    H - M.bottom - ((Math.log10(v) - Math.log10(y0)) / (Math.log10(y1) - Math.log10(y0))) * (H - M.top - M.bottom);

  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', class: 'plot' });
  el('title', {}, svg).textContent = opt.title;

  const grid = el('g', { class: 'grid' }, svg);
  const axes = el('g', { class: 'axes' }, svg);
  for (const t of logTicks(x0, x1)) {
    const x = px(t);
    el('line', { x1: x, x2: x, y1: M.top, y2: H - M.bottom }, grid);
    el('text', { x, y: H - M.bottom + 18, 'text-anchor': 'middle', class: 'tick' }, axes).textContent = tickLabel(t);
  }
  for (const t of logTicks(y0, y1)) {
    const y = py(t);
    el('line', { x1: M.left, x2: W - M.right, y1: y, y2: y }, grid);
    el('text', { x: M.left - 8, y: y + 4, 'text-anchor': 'end', class: 'tick' }, axes).textContent = tickLabel(t);
  }
  el('rect', { x: M.left, y: M.top, width: W - M.left - M.right, height: H - M.top - M.bottom, class: 'frame' }, axes);
  el('text', { x: (M.left + W - M.right) / 2, y: H - 8, 'text-anchor': 'middle', class: 'axis-label' }, axes).textContent =
    opt.xLabel;
  el('text', {
    x: -(M.top + H - M.bottom) / 2,
    y: 16,
    transform: 'rotate(-90)',
    'text-anchor': 'middle',
    class: 'axis-label',
  }, axes).textContent = opt.yLabel;

  const lines = el('g', { class: 'lines' }, svg);
  series.forEach((s) => {
    const d = s.x
      .map((x, i) => [x, s.y[i]] as const)
      .filter(([x, y]) => x > 0 && y > 0 && Number.isFinite(x) && Number.isFinite(y))
      .map(([x, y], i) => `${i ? 'L' : 'M'}${px(x).toFixed(2)},${py(y).toFixed(2)}`)
      .join('');
    const path = el('path', { d, class: `series series-${s.id}`, 'data-id': s.id }, lines);
    el('title', {}, path).textContent = s.label;
  });

  // Legend, bottom left (empty for falling curves), one row per series, on a backdrop.
  const legend = el('g', { class: 'legend' }, svg);
  const rowH = 18;
  const top = H - M.bottom - 10 - series.length * rowH;
  const backdrop = el('rect', { x: M.left + 6, y: top - 4, width: 10, height: series.length * rowH + 8, class: 'legend-bg' }, legend);
  let widest = 0;
  series.forEach((s, i) => {
    const y = top + 13 + i * rowH;
    const x = M.left + 14;
    el('line', { x1: x, x2: x + 24, y1: y - 4, y2: y - 4, class: `series series-${s.id}` }, legend);
    const text = el('text', { x: x + 30, y, class: 'legend-label' }, legend);
    text.textContent = s.label;
    widest = Math.max(widest, 30 + 7 * s.label.length);
  });
  backdrop.setAttribute('width', String(widest + 16));

  host.replaceChildren(svg);
  return svg;
}
