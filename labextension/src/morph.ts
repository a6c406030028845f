/**
 * Showing a new drawing by changing the one on screen: boxes that are the
 * same as before (only elsewhere) are moved, not built again.
 *
 * The kernel marks each node group with `data-glove-key` (equal keys: equal
 * content up to a translation) and `data-glove-at` (the corner its content is
 * drawn at). After a step nearly every box is unchanged, so the browser lays
 * out the text of a handful of boxes instead of all of them: most of the time
 * between the kernel's answer and the painted frame went to that.
 *
 * Nor does it parse them again: `stubKept` empties, in the kernel's SVG text,
 * each group the view can keep (a "stub", marked `data-glove-stub`), so only
 * what is new is parsed and sanitized; `morphSvg` then puts a kept group in
 * each stub's place.
 */

/** Where each kept group's content was drawn (its `data-glove-at` when first shown). */
const drawnAt = new WeakMap<Element, [number, number]>();

function corner(g: Element): [number, number] | null {
  const parts = (g.getAttribute('data-glove-at') ?? '').trim().split(/\s+/);
  if (parts.length !== 2) {
    return null;
  }
  const x = Number(parts[0]);
  const y = Number(parts[1]);
  return Number.isFinite(x) && Number.isFinite(y) ? [x, y] : null;
}

function graphGroup(svg: Element): Element | null {
  const elements = Array.from(svg.children);
  return elements.length === 1 && elements[0].localName === 'g' ? elements[0] : null;
}

function title(g: Element): Element | null {
  const first = g.firstElementChild;
  return first !== null && first.localName === 'title' ? first : null;
}

const STUB = 'data-glove-stub';

/** Copy `from`'s attributes onto `to` (and drop `to`'s others), except `transform`. */
function copyAttributes(from: Element, to: Element): void {
  for (const attr of Array.from(to.attributes)) {
    if (attr.name !== 'transform' && !from.hasAttribute(attr.name)) {
      to.removeAttribute(attr.name);
    }
  }
  for (const attr of Array.from(from.attributes)) {
    if (attr.name !== STUB && to.getAttribute(attr.name) !== attr.value) {
      to.setAttribute(attr.name, attr.value);
    }
  }
}

/** The keys of the groups of `shown` that a new drawing can keep, and how many of each. */
export function keptKeys(shown: Element): Map<string, number> {
  const keys = new Map<string, number>();
  const graph = graphGroup(shown);
  for (const g of graph === null ? [] : Array.from(graph.children)) {
    const key = g.getAttribute('data-glove-key');
    if (key !== null && drawnAt.has(g)) {
      keys.set(key, (keys.get(key) ?? 0) + 1);
    }
  }
  return keys;
}

// A keyed group as the kernel writes it (drawing/_boxes.py): its content holds no group.
const KEYED_GROUP =
  /(<g id="[^"]*" class="(?:node|edge)[^"]*" data-glove-key="([0-9a-f]{16})" )(data-glove-at="[^"]*">\n<title>[^<]*<\/title>\n)[\s\S]*?(<\/g>\n)/g;

/**
 * `text` (the kernel's SVG) with the content of each group whose key `keys`
 * still has (counted down) removed and the group marked as a stub; and how
 * many stubs there are.
 */
export function stubKept(text: string, keys: Map<string, number>): { text: string; stubs: number } {
  const left = new Map(keys);
  let stubs = 0;
  const stubbed = text.replace(KEYED_GROUP, (whole, head: string, key: string, at: string, end: string) => {
    const count = left.get(key) ?? 0;
    if (count <= 0) {
      return whole;
    }
    left.set(key, count - 1);
    stubs += 1;
    return `${head}${STUB}="1" ${at}${end}`;
  });
  return { text: stubbed, stubs };
}

/** Remember where `svg`'s node groups are drawn (call on a graph shown whole). */
export function rememberCorners(svg: Element): void {
  for (const g of Array.from(svg.querySelectorAll('g.node[data-glove-key]'))) {
    const at = corner(g);
    if (at !== null && !drawnAt.has(g)) {
      drawnAt.set(g, at);
    }
  }
}

/**
 * Make `shown` (in the page) show `fresh` (parsed and sanitized, not in the
 * page): groups of `shown` whose key `fresh` has again are kept and moved by
 * a `transform`; everything else comes from `fresh`. When `fresh` has stubs
 * (see `stubKept`), each stub takes a kept group and nothing else does.
 * Returns how many groups were kept, or -1 when the two are not graphviz
 * drawings of one shape (one `<g>` under the `<svg>`) or a stub finds no
 * group to keep: then nothing is changed.
 */
export function morphSvg(shown: SVGSVGElement, fresh: SVGSVGElement): number {
  const oldGraph = graphGroup(shown);
  const newGraph = graphGroup(fresh);
  if (oldGraph === null || newGraph === null) {
    return -1;
  }
  // Old groups by key, those at the same node (same id) first.
  const byKey = new Map<string, Element[]>();
  for (const g of Array.from(oldGraph.children)) {
    const key = g.getAttribute('data-glove-key');
    if (key !== null && drawnAt.has(g)) {
      const list = byKey.get(key);
      if (list) {
        list.push(g);
      } else {
        byKey.set(key, [g]);
      }
    }
  }
  const take = (g: Element): Element | null => {
    const key = g.getAttribute('data-glove-key');
    const list = key === null ? undefined : byKey.get(key);
    if (!list || list.length === 0) {
      return null;
    }
    const id = g.getAttribute('id');
    const index = Math.max(0, list.findIndex(old => old.getAttribute('id') === id));
    return list.splice(index, 1)[0];
  };
  // Pair each new child with a kept old group, or with itself.
  const plan: Array<[Element, Element | null]> = [];
  const kept = new Set<Element>();
  const children = Array.from(newGraph.children);
  const stubbed = children.some(child => child.hasAttribute(STUB));
  for (const child of children) {
    const at = child.localName === 'g' ? corner(child) : null;
    const stub = child.hasAttribute(STUB);
    const old = at === null || (stubbed && !stub) ? null : take(child);
    if (stub && old === null) {
      return -1; // nothing has been changed yet
    }
    if (old !== null) {
      kept.add(old);
    }
    plan.push([child, old]);
  }
  for (const node of Array.from(oldGraph.childNodes)) {
    if (!kept.has(node as Element)) {
      node.remove();
    }
  }
  let cursor: ChildNode | null = oldGraph.firstChild;
  for (const [child, old] of plan) {
    if (old === null) {
      oldGraph.insertBefore(child, cursor);
      const at = child.localName === 'g' ? corner(child) : null;
      if (at !== null) {
        drawnAt.set(child, at);
      }
      continue;
    }
    const at = corner(child)!;
    const [x0, y0] = drawnAt.get(old)!;
    const dx = at[0] - x0;
    const dy = at[1] - y0;
    const transform = dx === 0 && dy === 0 ? null : `translate(${dx} ${dy})`;
    if (transform === null) {
      old.removeAttribute('transform');
    } else if (old.getAttribute('transform') !== transform) {
      old.setAttribute('transform', transform);
    }
    copyAttributes(child, old);
    const oldTitle = title(old);
    const newTitle = title(child);
    if (oldTitle && newTitle && oldTitle.textContent !== newTitle.textContent) {
      oldTitle.textContent = newTitle.textContent;
    }
    cursor = old.nextSibling;
  }
  for (const name of ['width', 'height', 'viewBox']) {
    const value = fresh.getAttribute(name);
    if (value === null) {
      shown.removeAttribute(name);
    } else if (shown.getAttribute(name) !== value) {
      shown.setAttribute(name, value);
    }
  }
  copyAttributes(newGraph, oldGraph);
  return kept.size;
}
