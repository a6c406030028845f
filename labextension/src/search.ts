/**
 * The search box: find nodes by path, type, `#tag` or value text (the kernel
 * answers with the `matches` trait), list them, jump to one (select it; a
 * collapsed node is revealed) or select them all (so the palette offers what
 * they share: "every BatchNorm in layer3" is a search and a click).
 */

import { asString, button, h } from './dom';
import { ISearchMatch } from './types';

/** What the search asks of the coordinator. */
export interface ISearchActions {
  /** Ask the kernel for the matches of `query`. */
  search(query: string): void;
  /** Select these paths. */
  select(paths: string[]): void;
}

const SHOWN = 50;

export class SearchView {
  /** The search row and its results (`.glove-search-box`). */
  readonly el: HTMLDivElement;
  /** The text field. */
  readonly input: HTMLInputElement;

  constructor(actions: ISearchActions) {
    this._actions = actions;
    this.el = h('div', 'glove-search-box');
    this.input = h('input', 'glove-search');
    this.input.type = 'search';
    this.input.placeholder = 'Search: path, type, #tag or value (Enter)';
    this.input.setAttribute('aria-label', 'Search nodes by path, type, #tag or value');
    this.input.spellcheck = false;
    this._selectAll = button('glove-select-matches', 'Select all', 'Select every match');
    this._selectAll.hidden = true;
    this._selectAll.addEventListener('click', () =>
      this._actions.select(this._matches.map(m => m.path))
    );
    this._list = h('ul', 'glove-matches');
    this._list.setAttribute('aria-label', 'Search results');
    this._list.hidden = true;
    this._list.addEventListener('click', event => {
      const li = (event.target as Element | null)?.closest('li[data-path]');
      if (li) {
        this._actions.select([li.getAttribute('data-path') ?? '']);
      }
    });
    const row = h('div', 'glove-search-row');
    row.append(this.input, this._selectAll);
    this.el.append(row, this._list);
  }

  /** Send the box's query (Enter). */
  submit(): void {
    this._actions.search(this.input.value);
  }

  /** Show the kernel's matches. */
  render(raw: unknown): void {
    const matches = (Array.isArray(raw) ? raw : []).filter(
      m => m && typeof m === 'object' && typeof (m as ISearchMatch).path === 'string'
    ) as ISearchMatch[];
    this._matches = matches;
    this._list.replaceChildren();
    for (const match of matches.slice(0, SHOWN)) {
      const li = h('li', 'glove-match');
      li.setAttribute('data-path', match.path);
      li.title = `Select ${match.path || '$'} (${asString(match.why)} matched)`;
      li.append(
        h('code', 'glove-match-path', match.path || '$'),
        h('span', 'glove-match-type', ` ${asString(match.type)}`)
      );
      this._list.appendChild(li);
    }
    if (matches.length > SHOWN) {
      this._list.appendChild(h('li', 'glove-empty', `… and ${matches.length - SHOWN} more`));
    }
    this._list.hidden = matches.length === 0;
    this._selectAll.hidden = matches.length === 0;
    this._selectAll.textContent = `Select all ${matches.length}`;
  }

  private _actions: ISearchActions;
  private _list: HTMLUListElement;
  private _selectAll: HTMLButtonElement;
  private _matches: ISearchMatch[] = [];
}
