// A small log-log line plot drawn as SVG with DOM calls only: no HTML strings, no inline
// styles (the page's CSP allows style sheets from 'self' only). Colours and dashes come
// from CSS classes `series-<id>` and `shade-<i>`.

export const SVG = 'http://www.w3.org/2000/svg';

export interface Series {
  id: string;
  label: string;
  x: number[];
  /** null or non-positive values leave a gap. */
  y: (number | null)[];
  /** Extra CSS class, e.g. a shade for one of several m. */
  variant?: string;
  /** A confidence band drawn under the line: lower and upper values at each x. */
  band?: { lo: (number | null)[]; hi: (number | null)[] };
  /** Draw the points as dots too (measured curves). */
  dots?: boolean;
  /** Leave it out of the legend (a pin's curves share one legend row). */
  noLegend?: boolean;
}

export interface PlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Where the legend goes (default bottom-left: empty for falling curves). */
  legend?: 'bottom-left' | 'top-right';
  /** viewBox size (default 640 × 400); smaller boxes make the text larger on screen. */
  size?: [number, number];
  /** Values the y axis must include besides the data's (a reference line). */
  yInclude?: number[];
  /** What the plot says when there is nothing to draw (default "nothing to draw"). */
  empty?: string;
}

const M = { left: 64, right: 16, top: 16, bottom: 48 };

/** A drawn plot's scales: data → viewBox coordinates, and the plotting area. */
export interface Scale {
  px: (v: number) => number;
  py: (v: number) => number;
  /** viewBox y → data value (the inverse of `py`). */
  fromY: (y: number) => number;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

const scales = new WeakMap<SVGSVGElement, Scale>();

/** The scales of a plot drawn by `renderLogLog` (none for an empty one). */
export function scaleOf(svg: SVGSVGElement): Scale | undefined {
  return scales.get(svg);
}

export function el<K extends keyof SVGElementTagNameMap>(
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
  // Keep at most 8 labels: every other one when crowded.
  while (out.length > 8) out = out.filter((_, i) => i % 2 === 0);
  return out;
}

/** Compact tick label: 128, 2k, 0.05, 1e-4. */
export function tickLabel(v: number): string {
  if (v >= 1e5 || v < 1e-3) return v.toExponential(0).replace('e+', 'e');
  if (v >= 1000) return `${+(v / 1000).toPrecision(3)}k`;
  return String(+v.toPrecision(3));
}

const ok = (v: number | null | undefined): v is number => typeof v === 'number' && v > 0 && Number.isFinite(v);

/** Draw `series` on log-log axes into `host`, replacing what was there. */
export function renderLogLog(host: Element, series: Series[], opt: PlotOptions): SVGSVGElement {
  // On a narrow screen a smaller box keeps the text readable (the SVG scales to the width).
  const narrow = host.clientWidth > 0 && host.clientWidth < 520;
  const [W, H] = opt.size ?? (narrow ? [440, 340] : [640, 400]);
  // A legend taller than a quarter of the plotting area would hide curves: it goes below.
  const rowH = 18;
  const legendH = series.filter((s) => !s.noLegend).length * rowH + 8;
  const below = legendH > 0.25 * (H - M.top - M.bottom);
  const totalH = below ? H + legendH + 8 : H;
  const xs = series.flatMap((s) => s.x.filter((x, i) => ok(x) && ok(s.y[i])));
  const ys = series.flatMap((s) => [...s.y, ...(s.band?.lo ?? []), ...(s.band?.hi ?? [])].filter(ok));
  if (ys.length > 0) ys.push(...(opt.yInclude ?? []).filter(ok));
  const svg = el('svg', { viewBox: `0 0 ${W} ${totalH}`, role: 'img', class: 'plot' });
  el('title', {}, svg).textContent = opt.title;
  host.replaceChildren(svg);
  if (xs.length === 0 || ys.length === 0) {
    el('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'empty' }, svg).textContent = opt.empty ?? 'nothing to draw';
    return svg;
  }
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  if (x1 <= x0) [x0, x1] = [x0 / 2, x0 * 2];
  // 8 % head room in log space above and below the data.
  const ly0 = Math.log10(Math.min(...ys));
  const ly1 = Math.log10(Math.max(...ys));
  const pad = Math.max(0.08 * (ly1 - ly0), 0.05);
  const [y0, y1] = [10 ** (ly0 - pad), 10 ** (ly1 + pad)];
  const px = (v: number) => M.left + ((Math.log10(v) - Math.log10(x0)) / (Math.log10(x1) - Math.log10(x0))) * (W - M.left - M.right);
  const py = (v: number) => H - M.bottom - ((Math.log10(v) - Math.log10(y0)) / (Math.log10(y1) - Math.log10(y0))) * (H - M.top - M.bottom);

  const fromY = (y: number) => 10 ** (Math.log10(y0) + ((H - M.bottom - y) / (H - M.top - M.bottom)) * (Math.log10(y1) - Math.log10(y0)));
  scales.set(svg, { px, py, fromY, x0, x1, y0, y1, left: M.left, right: W - M.right, top: M.top, bottom: H - M.bottom });
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
  el('text', { x: (M.left + W - M.right) / 2, y: H - 8, 'text-anchor': 'middle', class: 'axis-label' }, axes).textContent = opt.xLabel;
  el('text', { x: -(M.top + H - M.bottom) / 2, y: 16, transform: 'rotate(-90)', 'text-anchor': 'middle', class: 'axis-label' }, axes).textContent =
    opt.yLabel;

  const bands = el('g', { class: 'bands' }, svg);
  for (const s of series.filter((t) => t.band)) {
    const pts = s.x
      .map((x, i) => [x, s.band!.lo[i], s.band!.hi[i]] as const)
      .filter(([x, lo, hi]) => ok(x) && ok(lo) && ok(hi)) as [number, number, number][];
    if (pts.length < 2) continue;
    const upper = pts.map(([x, , hi], i) => `${i ? 'L' : 'M'}${px(x).toFixed(2)},${py(hi).toFixed(2)}`).join('');
    const lower = [...pts].reverse().map(([x, lo]) => `L${px(x).toFixed(2)},${py(lo).toFixed(2)}`).join('');
    el('path', { d: `${upper}${lower}Z`, class: `band series-${s.id} ${s.variant ?? ''}`.trim(), 'data-id': s.id }, bands);
  }
  const lines = el('g', { class: 'lines' }, svg);
  for (const s of series) {
    let d = '';
    let pen = false;
    s.x.forEach((x, i) => {
      const y = s.y[i];
      if (ok(x) && ok(y)) {
        d += `${pen ? 'L' : 'M'}${px(x).toFixed(2)},${py(y).toFixed(2)}`;
        pen = true;
      } else {
        pen = false;
      }
    });
    const path = el('path', { d, class: `series series-${s.id} ${s.variant ?? ''}`.trim(), 'data-id': s.id }, lines);
    el('title', {}, path).textContent = s.label;
    if (s.dots) {
      s.x.forEach((x, i) => {
        const y = s.y[i];
        if (ok(x) && ok(y)) el('circle', { cx: px(x).toFixed(2), cy: py(y).toFixed(2), r: 3, class: `dot series-${s.id} ${s.variant ?? ''}`.trim() }, lines);
      });
    }
  }

  const legend = el('g', { class: 'legend' }, svg);
  series = series.filter((s) => !s.noLegend);
  const widest = Math.max(...series.map((s) => 30 + 6.6 * s.label.length));
  const lx = opt.legend === 'top-right' && !below ? W - M.right - widest - 20 : M.left + 6;
  const top = below ? H + 8 : opt.legend === 'top-right' ? M.top + 6 : H - M.bottom - 10 - series.length * rowH;
  el('rect', { x: lx, y: top - 4, width: widest + 16, height: series.length * rowH + 8, class: 'legend-bg' }, legend);
  series.forEach((s, i) => {
    const y = top + 13 + i * rowH;
    el('line', { x1: lx + 8, x2: lx + 32, y1: y - 4, y2: y - 4, class: `series series-${s.id} ${s.variant ?? ''}`.trim() }, legend);
    el('text', { x: lx + 38, y, class: 'legend-label' }, legend).textContent = s.label;
  });
  return svg;
}
