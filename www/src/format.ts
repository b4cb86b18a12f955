// The number and text formats every panel shares: signed values with a real minus sign,
// sample counts as people read them, and a text element.

/** Signed number with a real minus sign. */
export function signed(v: number, digits = 3): string {
  return v.toFixed(digits).replace('-', '−');
}

/** A sample count as people read it: 1,024 (or 1.00e+9 beyond a billion). */
export function count(v: number): string {
  return v >= 1e9 ? v.toExponential(2) : Math.round(v).toLocaleString('en');
}

/** An element `tag` holding `content` as text, with class `cls`. */
export function text<K extends keyof HTMLElementTagNameMap>(tag: K, content: string, cls?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.textContent = content;
  if (cls) node.className = cls;
  return node;
}
