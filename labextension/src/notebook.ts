/**
 * Inserting a code cell below the notebook cell that shows a widget view.
 * Only JupyterLab and Notebook 7 provide a notebook tracker; elsewhere
 * `insertCellBelow` returns false and the caller falls back.
 */

import { INotebookTracker, NotebookActions } from '@jupyterlab/notebook';

let tracker: INotebookTracker | null = null;

/** The notebook tracker (null outside JupyterLab / Notebook 7). */
export function notebookTracker(): INotebookTracker | null {
  return tracker;
}

/** Called once by the plugin with the (optional) notebook tracker. */
export function setNotebookTracker(value: INotebookTracker | null): void {
  tracker = value;
}

/**
 * Insert a code cell holding `code` (not executed) directly below the cell
 * whose output contains `el`. Returns whether a cell was inserted.
 */
export function insertCellBelow(el: HTMLElement, code: string): boolean {
  if (!tracker || !el.isConnected) {
    return false;
  }
  const panel = tracker.find(p => p.node.contains(el));
  if (!panel) {
    return false;
  }
  const notebook = panel.content;
  if (!notebook.model) {
    return false;
  }
  const index = notebook.widgets.findIndex(cell => cell.node.contains(el));
  if (index < 0) {
    return false;
  }
  try {
    notebook.activeCellIndex = index;
    notebook.deselectAll();
    NotebookActions.insertBelow(notebook);
    if (notebook.activeCellIndex !== index + 1) {
      return false;
    }
    if (notebook.activeCell && notebook.activeCell.model.type !== 'code') {
      NotebookActions.changeCellType(notebook, 'code');
    }
    const cell = notebook.activeCell;
    if (!cell) {
      return false;
    }
    cell.model.sharedModel.setSource(code);
    return true;
  } catch (err) {
    console.error('glove-lab: could not insert a cell', err);
    return false;
  }
}
