/**
 * Turning the server's SVG text into a DOM tree that is safe to insert, and
 * mapping graphviz node titles to KeyPath text.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Elements never kept, whatever the server sent. */
const FORBIDDEN_ELEMENTS = new Set([
  'script',
  'foreignobject',
  'iframe',
  'object',
  'embed',
  'style',
  'set',
  'animate',
  'animatemotion',
  'animatetransform',
  'handler',
  'listener'
]);

const URL_ATTRIBUTES = new Set(['href', 'xlink:href', 'src', 'action', 'formaction']);

/** True for URLs that could run code (`javascript:`, `data:text/html`, ...). */
function isDangerousUrl(value: string): boolean {
  // Browsers ignore ASCII control characters and whitespace inside the scheme.
  // eslint-disable-next-line no-control-regex
  const compact = value.replace(/[\u0000-\u0020\u007f-\u009f]+/g, '').toLowerCase();
  return (
    compact.startsWith('javascript:') ||
    compact.startsWith('vbscript:') ||
    (compact.startsWith('data:') && !compact.startsWith('data:image/'))
  );
}

/** Remove scripts, event handlers and script URLs from `root`, in place. */
export function sanitizeSvg(root: Element): void {
  const doomed: Element[] = [];
  const walk = (el: Element): void => {
    if (FORBIDDEN_ELEMENTS.has(el.localName.toLowerCase())) {
      doomed.push(el);
      return;
    }
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) {
        el.removeAttributeNode(attr);
      } else if (
        (URL_ATTRIBUTES.has(name) || attr.localName === 'href') &&
        isDangerousUrl(attr.value)
      ) {
        el.removeAttributeNode(attr);
      } else if (
        el.localName === 'use' &&
        attr.localName === 'href' &&
        !attr.value.trim().startsWith('#')
      ) {
        // `<use>` may only reference fragments of this same document.
        el.removeAttributeNode(attr);
      }
    }
    for (const child of Array.from(el.children)) {
      walk(child);
    }
  };
  walk(root);
  for (const el of doomed) {
    el.remove();
  }
}

/**
 * Parse `text` as SVG and return a sanitized `<svg>` element owned by `doc`,
 * or null when the text is not a well-formed SVG document.
 */
export function parseSvg(text: string, doc: Document = document): SVGSVGElement | null {
  let parsed: Document;
  try {
    parsed = new DOMParser().parseFromString(text, 'image/svg+xml');
  } catch {
    return null;
  }
  const root = parsed.documentElement;
  if (
    !root ||
    root.localName !== 'svg' ||
    root.namespaceURI !== SVG_NS ||
    parsed.getElementsByTagName('parsererror').length > 0
  ) {
    return null;
  }
  sanitizeSvg(root);
  const imported = doc.importNode(root, true) as unknown as SVGSVGElement;
  // Defence in depth: sanitize the imported copy again.
  sanitizeSvg(imported);
  return imported;
}

/** The KeyPath text of a graphviz node title: the root is `$` there, `""` here. */
export function pathFromTitle(title: string): string {
  return title === '$' ? '' : title;
}

/** The title graphviz shows for a KeyPath text. */
export function titleFromPath(path: string): string {
  return path === '' ? '$' : path;
}

/** The `<title>` text of a graphviz `<g class="node">`, or null. */
export function nodeTitle(g: Element): string | null {
  for (const child of Array.from(g.children)) {
    if (child.localName === 'title') {
      return child.textContent ?? '';
    }
  }
  return null;
}
