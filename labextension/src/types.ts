/**
 * The widget's wire protocol (synced traits and messages) and the small,
 * typed host interface the framework-free view is written against.
 *
 * The Python side defines the same shapes in glove_lab/notebook/_protocol.py;
 * tests/notebook/test_protocol.py checks that the two agree.
 */

/** What the inspector trait holds when a node is inspected (`{}` otherwise). */
export interface IInspector {
  path: string;
  type: string;
  tags: string[];
  args: [string, string][];
  doc: string;
  /**
   * Keys whose value can be edited in place (every field): a literal's repr, or
   * '' for a value without one (show its short repr; an expression replaces it).
   */
  editable: Record<string, string>;
  /** The path of each key's child: clicking its row selects it (a leaf too). */
  child_paths: Record<string, string>;
  /** The graph's colour of each tag ("#rrggbb"), so chips match the boxes. */
  tag_colors: Record<string, string>;
  /** With several nodes selected, what they share ("all BatchNorm2d · #normalization"). */
  common: string;
}

export type FormKind = 'int' | 'float' | 'bool' | 'str' | 'choice';

/** A value a rule form sends for one parameter. */
export type FormValue = number | boolean | string;

export interface IParamForm {
  name: string;
  kind: FormKind;
  default: FormValue | null;
  choices: string[] | null;
  required: boolean;
}

export interface IRuleForm {
  name: string;
  doc: string;
  params: IParamForm[];
  error: string;
  /** Why applying it here would change nothing ("" if it would change something). */
  disabled: string;
}

export interface IHistoryEntry {
  index: number;
  rule: string;
  params: string;
  paths: string;
  summary: string;
  undone: boolean;
  check: string;
  check_error: string;
}

/** One node a search found: its path, type and what matched. */
export interface ISearchMatch {
  path: string;
  type: string;
  why: string;
}

/** The `inspector` trait when nothing is inspected: `{}`. */
export type INoInspector = Record<string, never>;

/** What the previewed rule would do (a dry run in the kernel). */
export interface IPreview {
  rule: string;
  scope: ApplyScope;
  /** Changes the step would make; 0 when it would change nothing. */
  count: number;
  /** The `<title>`s of the drawn nodes to highlight. */
  nodes: string[];
  /** Changes inside collapsed parts (highlighted on their placeholder). */
  hidden: number;
  text: string;
  /** Why the rule cannot apply here with these values (the dry run raised), or "". */
  error: string;
}

/** The `preview` trait when no rule is previewed: `{}`. */
export type INoPreview = Record<string, never>;

/** The synced traits of the widget model, by name. */
export interface IViewState {
  svg: string;
  selection: string[];
  inspector: IInspector | INoInspector;
  palette: IRuleForm[];
  history: IHistoryEntry[];
  can_undo: boolean;
  can_redo: boolean;
  error: string;
  status: string;
  title: string;
  busy: boolean;
  matches: ISearchMatch[];
  /** Levels shown below the root (null: as many as the node budget allows). */
  depth: number | null;
  /** "Expand all" is on (the kernel caps the nodes laid out). */
  all_expanded: boolean;
  /** How much of the tree the graph shows ("Showing 866 of 12,002 nodes; ..."), or "". */
  graph_note: string;
  preview: IPreview | INoPreview;
  /** Refuse a selection with nodes the rule does not match (off: they are skipped). */
  strict: boolean;
}

export type ApplyScope = 'selection' | 'everywhere';

/** A message the view sends to the kernel. */
export type FrontEndMessage =
  | { event: 'expand'; path: string }
  | { event: 'collapse'; path: string }
  | { event: 'depth'; depth: number | null }
  | { event: 'expand_all' }
  | { event: 'collapse_all' }
  | { event: 'apply'; rule: string; params: Record<string, FormValue>; scope: ApplyScope; strict: boolean }
  | { event: 'preview'; rule: string; params: Record<string, FormValue>; scope: ApplyScope }
  | { event: 'set'; path: string; key: string; value: string }
  | { event: 'search'; query: string }
  | { event: 'undo' }
  | { event: 'redo' }
  | { event: 'export' }
  | { event: 'dismiss_error' }
  | { event: 'cell_inserted' };

/** A message the kernel sends to the view. */
export type KernelMessage = { event: 'insert_cell'; code: string };

/**
 * A model with typed state `T`, in the spirit of anywidget's `AnyModel<T>`.
 * ipywidgets' Backbone model and anywidget's model both fit it through a few
 * lines of adapter (widget.ts, esm.ts). Values still come from another
 * process: readers check them before use.
 */
export interface IHost<T> {
  get<K extends keyof T & string>(name: K): T[K];
  set<K extends keyof T & string>(name: K, value: T[K]): void;
  /** Push the changes made with `set` to the kernel. */
  saveChanges(): void;
  /** Send a custom message to the kernel. */
  send(message: FrontEndMessage): void;
  /** Listen to a trait's change; returns a function that stops listening. */
  on<K extends keyof T & string>(event: `change:${K}`, callback: () => void): () => void;
  /**
   * Call `callback` with a reason once the kernel behind the model is gone
   * (dead, restarted, shut down); returns a function that stops watching.
   * Hosts that cannot tell leave it out.
   */
  onLost?(callback: (reason: string) => void): () => void;
}

/** The host of the glove_lab view. */
export type IGloveHost = IHost<IViewState>;
