/**
 * Notebooks that keep their pictures. A glove_lab widget's output carries a
 * static `image/svg+xml` beside the widget view (the kernel puts the graph of
 * the moment it was shown there). This module
 *
 * - keeps that picture current: after each redraw, the sanitized SVG of the
 *   view is written into the output's data in the notebook's shared model
 *   (without re-rendering the output), so saving the notebook saves the
 *   picture of the current view, for GitHub, nbviewer and `nbconvert`;
 * - shows the picture where the live view cannot be drawn (a reopened
 *   notebook whose kernel no longer has the widget, a stopped kernel).
 */

import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';

import { parseSvg, staticSvg } from './svg';

const VIEW_MIME = 'application/vnd.jupyter.widget-view+json';
const SVG_MIME = 'image/svg+xml';

/** The part of a Yjs map used here (outputs are Y.Maps in the notebook's shared model). */
interface IYMap {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

/** The Y.Array of a code cell's outputs, or null. */
function youtputs(cellModel: unknown): { length: number; get(i: number): unknown } | null {
  const shared = (cellModel as { sharedModel?: { ymodel?: IYMap } }).sharedModel;
  const outputs = shared?.ymodel?.get('outputs') as
    | { length: number; get(i: number): unknown }
    | undefined;
  return outputs && typeof outputs.get === 'function' ? outputs : null;
}

function modelIdOf(data: unknown): string | null {
  const view = (data as Record<string, unknown> | null)?.[VIEW_MIME] as
    | { model_id?: unknown }
    | undefined;
  return typeof view?.model_id === 'string' ? view.model_id : null;
}

/**
 * Write `svgText` (sanitized) as the static picture of the widget output of
 * model `modelId` in the notebook around `el`. Returns whether it was written.
 */
export function keepPicture(
  tracker: INotebookTracker | null,
  el: HTMLElement,
  modelId: string,
  svgText: string
): boolean {
  if (!tracker || !el.isConnected || !svgText.trim()) {
    return false;
  }
  const panel = tracker.find(p => p.node.contains(el));
  const cell = panel?.content.widgets.find(c => c.node.contains(el));
  if (!cell || cell.model.type !== 'code') {
    return false;
  }
  const outputs = youtputs(cell.model);
  if (!outputs) {
    return false;
  }
  const clean = staticSvg(svgText);
  if (clean === null) {
    return false;
  }
  for (let i = 0; i < outputs.length; i++) {
    const output = outputs.get(i) as IYMap | null;
    if (!output || typeof output.get !== 'function') {
      continue;
    }
    const data = output.get('data') as Record<string, unknown> | undefined;
    if (!data || modelIdOf(data) !== modelId) {
      continue;
    }
    if (data[SVG_MIME] === clean) {
      return true;
    }
    // Setting a key of the output's map changes what is saved without telling
    // the output area to re-render (which would draw a second view).
    output.set('data', { ...data, [SVG_MIME]: clean });
    return true;
  }
  return false;
}

const STATIC_CLASS = 'glove-static';

/** Show or drop the static picture of each widget output of `panel` as needed. */
function refreshFallbacks(panel: NotebookPanel): void {
  for (const cell of panel.content.widgets) {
    if (cell.model.type !== 'code') {
      continue;
    }
    const area = (cell as unknown as { outputArea?: { widgets: { node: HTMLElement }[] } })
      .outputArea;
    const outputs = (
      cell.model as unknown as {
        outputs?: { length: number; get(i: number): { data: Record<string, unknown> } };
      }
    ).outputs;
    if (!area || !outputs) {
      continue;
    }
    const n = Math.min(area.widgets.length, outputs.length);
    for (let i = 0; i < n; i++) {
      const data = outputs.get(i).data;
      const outer = area.widgets[i].node;
      // The renderer's own node (after the prompt), else the output's.
      const node =
        (outer.querySelector(':scope > .jp-OutputArea-output') as HTMLElement | null) ?? outer;
      const picture = node.querySelector(`:scope .${STATIC_CLASS}`);
      const svg = data[SVG_MIME];
      if (modelIdOf(data) === null || typeof svg !== 'string') {
        picture?.remove();
        continue;
      }
      const live = node.querySelector('.glove-widget') !== null;
      if (live) {
        picture?.remove();
        node.classList.remove('glove-showing-static');
        continue;
      }
      const text = node.textContent ?? '';
      const failed = /Error displaying widget|Loading widget/.test(text);
      if (!failed) {
        continue;
      }
      if (!picture) {
        const image = parseSvg(svg, document);
        if (image === null) {
          continue;
        }
        const box = document.createElement('div');
        box.className = STATIC_CLASS;
        box.title =
          'A picture of the glove_lab widget saved with the notebook (run the cell for the live view)';
        const caption = document.createElement('div');
        caption.className = 'glove-static-caption';
        caption.textContent = 'glove_lab: the picture saved with the notebook (run the cell for the live widget)';
        box.append(caption, image);
        node.appendChild(box);
      }
      node.classList.add('glove-showing-static');
    }
  }
}

/** Watch every notebook for widget outputs that need their static picture. */
export function watchNotebooks(tracker: INotebookTracker): void {
  tracker.widgetAdded.connect((_, panel) => {
    let pending = 0;
    const schedule = (): void => {
      if (pending) {
        return;
      }
      pending = window.setTimeout(() => {
        pending = 0;
        if (!panel.isDisposed) {
          refreshFallbacks(panel);
        }
      }, 250);
    };
    const observer = new MutationObserver(schedule);
    observer.observe(panel.node, { childList: true, subtree: true, characterData: true });
    panel.disposed.connect(() => {
      observer.disconnect();
      window.clearTimeout(pending);
    });
    schedule();
  });
}
