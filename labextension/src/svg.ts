/**
 * Turning the server's SVG text into a DOM tree that is safe to insert, and
 * mapping graphviz node titles to KeyPath text.
 *
 * The sanitizer is an allow-list: graphviz emits a handful of element types
 * and presentation attributes; everything else is dropped, as is every event
 * handler and every link that is not a fragment or an http(s) URL.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';
const XLINK_NS = 'http://www.w3.org/1999/xlink';

/** The elements kept (local names, lower case); graphviz's output uses only these. */
export const ALLOWED_ELEMENTS: ReadonlySet<string> = new Set([
  'svg',
  'g',
  'title',
  'desc',
  'defs',
  'a',
  'path',
  'polygon',
  'polyline',
  'ellipse',
  'circle',
  'rect',
  'line',
  'text',
  'tspan',
  'lineargradient',
  'radialgradient',
  'stop'
]);

/** The attributes kept (names, lower case), on any allowed element. */
export const ALLOWED_ATTRIBUTES: ReadonlySet<string> = new Set([
  'id',
  'class',
  'version',
  'width',
  'height',
  'viewbox',
  'preserveaspectratio',
  'transform',
  'x',
  'y',
  'x1',
  'y1',
  'x2',
  'y2',
  'cx',
  'cy',
  'r',
  'rx',
  'ry',
  'dx',
  'dy',
  'd',
  'points',
  'fill',
  'fill-opacity',
  'fill-rule',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'stroke-linecap',
  'stroke-linejoin',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-anchor',
  'text-decoration',
  'dominant-baseline',
  'baseline-shift',
  'offset',
  'stop-color',
  'stop-opacity',
  'gradientunits',
  'gradienttransform',
  'target',
  'xlink:title',
  'xml:space',
  'href',
  'xlink:href',
  // The kernel's box key and corner for each node group (inert data; see morph.ts).
  'data-glove-key',
  'data-glove-at',
  'data-glove-stub'
]);

/** True for a link that stays in the page or goes to a web page. */
export function isSafeUrl(value: string): boolean {
  // Browsers ignore ASCII control characters and whitespace inside the scheme.
  // eslint-disable-next-line no-control-regex
  const compact = value.replace(/[\u0000-\u0020\u007f-\u009f]+/g, '').toLowerCase();
  return compact.startsWith('#') || /^https?:\/\//.test(compact);
}

/** Whether the attribute `name` (as written) with `value` may stay on `element`. */
export function isAllowedAttribute(element: string, name: string, value: string): boolean {
  const lower = name.toLowerCase();
  if (lower === 'xmlns' || lower.startsWith('xmlns:')) {
    return true;
  }
  if (!ALLOWED_ATTRIBUTES.has(lower)) {
    return false;
  }
  if (lower === 'href' || lower === 'xlink:href') {
    return element.toLowerCase() === 'a' && isSafeUrl(value);
  }
  return true;
}

/**
 * Keep only allowed elements (in the SVG namespace) and attributes in the
 * tree under `root`, in place. Returns how many elements and attributes were
 * dropped.
 *
 * One pass in document order, no copies of child or attribute lists: the
 * widget runs it on every graph it shows (a 150-node view has thousands of
 * elements), so it is linear and allocates little.
 */
export function sanitizeSvg(root: Element): { elements: number; attributes: number } {
  const dropped = { elements: 0, attributes: 0 };
  let el: Element | null = root;
  while (el !== null) {
    const attributes = el.attributes;
    for (let i = attributes.length - 1; i >= 0; i--) {
      const attr = attributes[i];
      const name = attr.namespaceURI === XLINK_NS ? `xlink:${attr.localName}` : attr.name;
      if (!isAllowedAttribute(el.localName, name, attr.value)) {
        el.removeAttributeNode(attr);
        dropped.attributes += 1;
      }
    }
    let child = el.firstElementChild;
    while (child !== null) {
      const next: Element | null = child.nextElementSibling;
      if (child.namespaceURI !== SVG_NS || !ALLOWED_ELEMENTS.has(child.localName.toLowerCase())) {
        child.remove();
        dropped.elements += 1;
      }
      child = next;
    }
    el = nextInDocumentOrder(el, root);
  }
  return dropped;
}

/** The element after `el` in document order, staying inside `root` (null at the end). */
function nextInDocumentOrder(el: Element, root: Element): Element | null {
  if (el.firstElementChild !== null) {
    return el.firstElementChild;
  }
  let at: Element | null = el;
  while (at !== null && at !== root) {
    if (at.nextElementSibling !== null) {
      return at.nextElementSibling;
    }
    at = at.parentElement;
  }
  return null;
}

/**
 * Parse `text` as SVG and return a sanitized `<svg>` element owned by `doc`,
 * or null when the text is not a well-formed SVG document.
 */
export function parseSvg(text: string, doc: Document = document): SVGSVGElement | null {
  const root = parseSvgDocument(text);
  return root === null ? null : adoptSanitized(root, doc);
}

/**
 * The root of `text` parsed as an SVG document (inert: nothing in it runs),
 * not yet sanitized; null when it is not a well-formed SVG document.
 */
export function parseSvgDocument(text: string): SVGSVGElement | null {
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
  return root as unknown as SVGSVGElement;
}

/**
 * Sanitize `root` where it is (in its inert parsed document), then hand it
 * to `doc` as it is: adopted, not copied, so what `doc` gets is exactly what
 * was sanitized.
 */
export function adoptSanitized(root: SVGSVGElement, doc: Document = document): SVGSVGElement {
  sanitizeSvg(root);
  return doc.adoptNode(root);
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

/**
 * The sanitized text of `text` (SVG from the server), for a static picture
 * kept in the notebook; null when it is not a well-formed SVG.
 */
export function staticSvg(text: string): string | null {
  const svg = parseSvg(text, document);
  return svg ? new XMLSerializer().serializeToString(svg) : null;
}
