// Exports: a figure as a standalone SVG (computed styles inlined as presentation
// attributes, so it looks the same outside the page) or PNG, results as JSON or CSV, and the
// config link. Downloads go through blob: URLs; nothing is sent anywhere.

const STYLE_PROPS = [
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-opacity',
  'fill',
  'fill-opacity',
  'font-size',
  'font-family',
  'text-anchor',
];

/** Save `blob` as `name` through a temporary link. */
export function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The SVG with every element's computed style written as attributes, and a white ground. */
export function standaloneSvg(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const src = [svg, ...svg.querySelectorAll('*')];
  const dst = [copy, ...copy.querySelectorAll('*')];
  src.forEach((node, i) => {
    const style = getComputedStyle(node);
    for (const prop of STYLE_PROPS) {
      const v = style.getPropertyValue(prop);
      if (v) dst[i].setAttribute(prop, v);
    }
  });
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  const [, , w, h] = (svg.getAttribute('viewBox') ?? '0 0 640 400').split(' ').map(Number);
  copy.setAttribute('width', String(w));
  copy.setAttribute('height', String(h));
  const ground = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  ground.setAttribute('width', '100%');
  ground.setAttribute('height', '100%');
  ground.setAttribute('fill', '#ffffff');
  copy.insertBefore(ground, copy.firstChild);
  return new XMLSerializer().serializeToString(copy);
}

/** Rasterise a standalone SVG at `scale` × its size. */
export async function svgToPng(svgText: string, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width * scale;
    canvas.height = img.height * scale;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2-D canvas');
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Copy `text`; where the clipboard is refused, select it in `fallback` for a manual copy. */
/**
 * The iframe code of the figure of `fragment` (its `view=` picks which) for a course page:
 * the embed beside this page, lazy, sandboxed with what it needs, a fixed height that the
 * README's parent snippet (or an LMS that knows `lti.frameResize`) turns into its content's.
 */
export function embedCode(fragment: string, title: string): string {
  const src = `${new URL('embed.html', document.baseURI).href}#${fragment}`;
  const safe = title.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<iframe src="${src}" title="${safe}" width="100%" height="520" style="border:0" loading="lazy" sandbox="allow-scripts allow-same-origin allow-downloads allow-popups"></iframe>`;
}

export async function copyText(text: string, fallback: HTMLInputElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    fallback.hidden = false;
    fallback.value = text;
    fallback.select();
    return false;
  }
}
