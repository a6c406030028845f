/**
 * Shapes of the synced traits of the glove_lab widget, and the small host
 * interface the framework-free view is written against.
 */

/** What the inspector trait holds when a node is inspected. */
export interface IInspector {
  path: string;
  type: string;
  tags: string[];
  args: [string, string][];
  doc: string;
  /** Hyperparameter keys whose value can be edited in place (their full repr). */
  editable?: Record<string, string>;
  /** The graph's colour of each tag ("#rrggbb"), so chips match the boxes. */
  tag_colors?: Record<string, string>;
}

export type ParamKind = 'int' | 'float' | 'bool' | 'str' | 'choice';

export interface IParamSpec {
  name: string;
  kind: ParamKind;
  default: unknown;
  choices: string[] | null;
  required: boolean;
}

export interface IRuleSpec {
  name: string;
  doc: string;
  params: IParamSpec[];
}

export interface IHistoryEntry {
  index: number;
  rule: string;
  params: string;
  paths: string;
  summary: string;
  undone: boolean;
}

/** A message the view sends to the kernel. */
export type OutgoingMessage =
  | { event: 'expand'; path: string }
  | {
      event: 'apply';
      rule: string;
      params: Record<string, number | boolean | string>;
      scope: 'selection' | 'everywhere';
    }
  | { event: 'set'; path: string; key: string; value: string }
  | { event: 'undo' }
  | { event: 'redo' }
  | { event: 'export' }
  | { event: 'dismiss_error' }
  | { event: 'cell_inserted' };

/**
 * What the view needs from its model. ipywidgets' Backbone model and
 * anywidget's model both fit it through a few lines of adapter.
 */
export interface IGloveHost {
  get(name: string): unknown;
  set(name: string, value: unknown): void;
  /** Push the changes made with `set` to the kernel. */
  saveChanges(): void;
  /** Send a custom message to the kernel. */
  send(message: OutgoingMessage): void;
  /** Listen to an event (`change:NAME`); returns a function that stops it. */
  on(event: string, callback: () => void): () => void;
}
