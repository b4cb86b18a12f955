// A lesson's text as DOM nodes, never as HTML: the Markdown subset of src/lesson.rs
// (paragraphs at blank lines, **bold**, *emphasis*, `code`, $TeX$ inline math) and its
// reactive tokens, `{key}` (a number key of the config, which the student drags or moves
// with the arrow keys) and `{name}` (a number computed from the current config). The tokens
// are returned as empty spans for the lesson view to fill and wire.

import katex from 'katex';

/** A `{…}` token's span and its name. */
export interface Token {
  name: string;
  node: HTMLElement;
}

/** Inline markup of `text` into `host`; its tokens appended to `tokens`. */
function inline(host: HTMLElement, text: string, tokens: Token[]): void {
  let i = 0;
  let plain = '';
  const flush = () => {
    if (plain) host.append(plain);
    plain = '';
  };
  while (i < text.length) {
    const c = text[i];
    const close = (mark: string) => text.indexOf(mark, i + mark.length);
    if (c === '$') {
      const end = close('$');
      if (end > i) {
        flush();
        const span = document.createElement('span');
        span.className = 'math';
        katex.render(text.slice(i + 1, end), span, { throwOnError: false, output: 'htmlAndMathml' });
        host.append(span);
        i = end + 1;
        continue;
      }
    } else if (c === '{') {
      const end = close('}');
      if (end > i) {
        flush();
        const span = document.createElement('span');
        tokens.push({ name: text.slice(i + 1, end), node: span });
        host.append(span);
        i = end + 1;
        continue;
      }
    } else if (c === '`') {
      const end = close('`');
      if (end > i) {
        flush();
        const code = document.createElement('code');
        code.textContent = text.slice(i + 1, end);
        host.append(code);
        i = end + 1;
        continue;
      }
    } else if (c === '*') {
      const strong = text.startsWith('**', i);
      const mark = strong ? '**' : '*';
      const end = close(mark);
      if (end > i + mark.length) {
        flush();
        const node = document.createElement(strong ? 'strong' : 'em');
        inline(node, text.slice(i + mark.length, end), tokens);
        host.append(node);
        i = end + mark.length;
        continue;
      }
    }
    plain += c;
    i += 1;
  }
  flush();
}

/** `text` as paragraphs into `host` (replacing what it held); the tokens in reading order. */
export function renderLessonText(host: HTMLElement, text: string): Token[] {
  const tokens: Token[] = [];
  host.replaceChildren(
    ...text
      .split(/\n\s*\n/)
      .filter((p) => p.trim())
      .map((para) => {
        const p = document.createElement('p');
        inline(p, para.trim(), tokens);
        return p;
      }),
  );
  return tokens;
}
