// <caulk-lab>: the embeddable figure as a custom element, for course pages. One script tag
// and one element:
//
//   <script type="module" src="https://<host>/caulk-lab.js"></script>
//   <caulk-lab preset="headline" view="experiment" show="seeds,steps" alpha="0.8"></caulk-lab>
//
// Attributes are config keys (the URL-fragment keys; see the README), except `height` (of
// the frame: a fixed height; left out, the frame follows its content's height, 420px until
// the figure reports it) and `label` (its accessible title). The element shows
// embed.html#<fragment> from the script's own folder in an iframe, so the host page's styles
// and CSP never meet the app's. Events: `ready` (detail: { fragment }) when the figure is
// drawn, `finished` (detail: the `caulk run --json` object) when a run has finished.
// Changing an attribute updates the figure.

/** Attributes that belong to the element, not to the config. */
const OWN = new Set(['height', 'label', 'id', 'class', 'style', 'title', 'hidden', 'lang', 'dir', 'tabindex', 'slot', 'part']);

const EMBED = new URL('embed.html', import.meta.url);

interface Report {
  source?: string;
  type?: string;
  fragment?: string;
  results?: unknown;
  height?: unknown;
}

/** A reported height worth taking: a finite number of CSS px, within reason. */
function heightOf(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 && v < 20_000 ? Math.ceil(v) : null;
}

export class CaulkLab extends HTMLElement {
  private frame: HTMLIFrameElement | null = null;
  private observer: MutationObserver | null = null;
  private readonly onMessage = (e: MessageEvent<Report>) => {
    if (!this.frame || e.source !== this.frame.contentWindow || e.data?.source !== 'caulk-lab') return;
    if (e.data.type === 'finished') {
      this.dispatchEvent(new CustomEvent('finished', { detail: e.data.results, bubbles: true }));
    } else if (e.data.type === 'ready') {
      this.dispatchEvent(new CustomEvent('ready', { detail: { fragment: e.data.fragment } }));
    } else if (e.data.type === 'resize' && !this.hasAttribute('height')) {
      const h = heightOf(e.data.height);
      if (h !== null) this.frame.style.height = `${h}px`;
    }
  };

  /**
   * `v=N&key=value&…` from the config attributes, in the order written. N is the `v`
   * attribute, 1 without one: an element written before version 2 keeps opening what it
   * opened (the preset defaults of version 1); `v="2"` takes version 2's.
   */
  fragment(): string {
    const parts = [`v=${encodeURIComponent(this.getAttribute('v') ?? '1')}`];
    for (const name of this.getAttributeNames()) {
      if (name === 'v' || OWN.has(name) || name.startsWith('aria-') || name.startsWith('data-')) continue;
      parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(this.getAttribute(name) ?? '')}`);
    }
    return parts.join('&');
  }

  connectedCallback(): void {
    if (this.frame) return;
    const root = this.attachShadow({ mode: 'open' });
    const frame = document.createElement('iframe');
    frame.title = this.getAttribute('label') ?? 'Caulk Lab figure';
    // Scripts and the worker need the frame's own origin; the host page stays isolated
    // because the frame is cross-origin (or the host chose to serve it itself).
    frame.setAttribute('sandbox', 'allow-scripts allow-same-origin allow-downloads allow-popups');
    frame.loading = 'lazy';
    // CSSOM, not a style attribute: allowed under a host page's strict style-src.
    frame.style.width = '100%';
    frame.style.border = '0';
    frame.style.display = 'block';
    frame.style.height = this.getAttribute('height') ?? '420px';
    frame.src = `${EMBED.href}#${this.fragment()}`;
    root.append(frame);
    this.frame = frame;
    window.addEventListener('message', this.onMessage);
    this.observer = new MutationObserver(() => this.refresh());
    this.observer.observe(this, { attributes: true });
  }

  disconnectedCallback(): void {
    window.removeEventListener('message', this.onMessage);
    this.observer?.disconnect();
  }

  private refresh(): void {
    if (!this.frame) return;
    this.frame.style.height = this.getAttribute('height') ?? '420px';
    // Only the fragment changes: the embed reads it on hashchange, without a reload.
    this.frame.src = `${EMBED.href}#${this.fragment()}`;
  }
}

if (!customElements.get('caulk-lab')) customElements.define('caulk-lab', CaulkLab);
