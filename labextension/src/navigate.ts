/**
 * Moving through the drawn graph with the keyboard: parent, first child and
 * siblings of a node, computed from the KeyPath texts of the drawn nodes
 * (pure functions, tested without a browser).
 *
 * A drawn node's parent is its nearest *drawn* ancestor (placeholders stand
 * for what is not drawn); siblings keep the graph's order.
 */

/** Where each segment of a KeyPath text starts (`blocks[1].conv` -> [0, 6, 9]). */
export function segmentStarts(path: string): number[] {
  const starts: number[] = [];
  let i = 0;
  while (i < path.length) {
    starts.push(i);
    const ch = path[i];
    if (ch === '[') {
      i += 1;
      const quote = path[i] === '"' || path[i] === "'" ? path[i] : null;
      if (quote) {
        i += 1;
        while (i < path.length && path[i] !== quote) {
          i += path[i] === '\\' ? 2 : 1;
        }
        i += 1;
      }
      let depth = 1;
      while (i < path.length && depth > 0) {
        if (path[i] === '[') {
          depth += 1;
        } else if (path[i] === ']') {
          depth -= 1;
        }
        i += 1;
      }
    } else {
      i += ch === '.' ? 1 : 0;
      while (i < path.length && path[i] !== '.' && path[i] !== '[') {
        i += 1;
      }
    }
  }
  return starts;
}

/** The KeyPath text of `path`'s parent ('' is the root); null for the root itself. */
export function parentPath(path: string): string | null {
  if (path === '') {
    return null;
  }
  const starts = segmentStarts(path);
  return path.slice(0, starts[starts.length - 1]);
}

/** A direction in the tree. */
export type Move = 'parent' | 'child' | 'next' | 'previous' | 'first';

/** The drawn nodes as a tree: parent and ordered children of each path. */
export class DrawnTree {
  /** `paths` in the graph's order (document order of the SVG's nodes). */
  constructor(paths: readonly string[]) {
    this._order = [];
    const seen = new Set<string>();
    for (const path of paths) {
      if (!seen.has(path)) {
        seen.add(path);
        this._order.push(path);
      }
    }
    // The nearest drawn ancestor is the longest drawn path that ends where one of
    // `path`'s segments starts and is a prefix of it: one scan of `path`, so a
    // node drawn 10,000 levels below its nearest drawn ancestor (an elided run)
    // costs its length, not its depth times its length.
    const byLength = new Map<number, string[]>();
    for (const path of this._order) {
      const list = byLength.get(path.length) ?? [];
      list.push(path);
      byLength.set(path.length, list);
    }
    for (const path of this._order) {
      let up: string | null = null;
      if (path !== '') {
        const starts = segmentStarts(path);
        for (let i = starts.length - 1; i >= 0 && up === null; i--) {
          up = (byLength.get(starts[i]) ?? []).find(c => path.startsWith(c)) ?? null;
        }
      }
      this._parent.set(path, up);
      if (up !== null) {
        const list = this._children.get(up) ?? [];
        list.push(path);
        this._children.set(up, list);
      }
    }
  }

  /** The drawn paths, in order. */
  get paths(): readonly string[] {
    return this._order;
  }

  /** The nearest drawn ancestor of `path`, or null. */
  parent(path: string): string | null {
    return this._parent.get(path) ?? null;
  }

  /** The drawn nodes whose nearest drawn ancestor is `path`, in order. */
  children(path: string): readonly string[] {
    return this._children.get(path) ?? [];
  }

  /** Where `move` goes from `current` (null: from nowhere); stays put at an edge. */
  move(current: string | null, move: Move): string | null {
    if (!this._order.length) {
      return null;
    }
    const top = this._order.find(p => this.parent(p) === null) ?? this._order[0];
    if (current === null || !this._parent.has(current) || move === 'first') {
      return top;
    }
    if (move === 'parent') {
      return this.parent(current) ?? current;
    }
    if (move === 'child') {
      return this.children(current)[0] ?? current;
    }
    const up = this.parent(current);
    const siblings = up === null ? this._order.filter(p => this.parent(p) === null) : this.children(up);
    const at = siblings.indexOf(current);
    const next = at + (move === 'next' ? 1 : -1);
    return next >= 0 && next < siblings.length ? siblings[next] : current;
  }

  private _order: string[];
  private _parent = new Map<string, string | null>();
  private _children = new Map<string, string[]>();
}
