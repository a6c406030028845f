/**
 * ipywidgets 8 model and view classes of the glove_lab widget. The view
 * itself is the framework-free `GloveUI` (ui.ts); this file only adapts the
 * Backbone model to it and routes the kernel's custom messages.
 */

import { DOMWidgetModel, DOMWidgetView, ISerializers } from '@jupyter-widgets/base';

import { lostReason } from './kernel';
import { insertCellBelow, notebookTracker } from './notebook';
import { keepPicture } from './picture';
import { IGloveHost, FrontEndMessage } from './types';
import { GloveUI } from './ui';
import { MODULE_NAME, MODULE_VERSION } from './version';

export class GloveModel extends DOMWidgetModel {
  defaults(): any {
    return {
      ...super.defaults(),
      _model_name: GloveModel.model_name,
      _model_module: GloveModel.model_module,
      _model_module_version: GloveModel.model_module_version,
      _view_name: GloveModel.view_name,
      _view_module: GloveModel.view_module,
      _view_module_version: GloveModel.view_module_version,
      svg: '',
      selection: [],
      inspector: {},
      palette: [],
      history: [],
      can_undo: false,
      can_redo: false,
      error: '',
      status: '',
      title: '',
      busy: false,
      matches: [],
      depth: null,
      all_expanded: false,
      graph_note: ''
    };
  }

  initialize(attributes: any, options: any): void {
    super.initialize(attributes, options);
    this.on('msg:custom', this._onCustomMessage, this);
  }

  /** Views register here, so one `insert_cell` message inserts one cell. */
  registerView(view: GloveView): void {
    this._gloveViews.add(view);
  }

  unregisterView(view: GloveView): void {
    this._gloveViews.delete(view);
    if (this._lastActiveView === view) {
      this._lastActiveView = null;
    }
  }

  /** The view the user last acted in gets the inserted cell first. */
  noteActiveView(view: GloveView): void {
    this._lastActiveView = view;
  }

  private _onCustomMessage(content: any): void {
    if (!content || typeof content !== 'object') {
      return;
    }
    if (content.event === 'insert_cell' && typeof content.code === 'string') {
      this._insertCell(content.code);
    }
  }

  private _insertCell(code: string): void {
    const views = Array.from(this._gloveViews).filter(v => v.ui && !v.ui.isDisposed);
    const last = this._lastActiveView;
    if (last && views.includes(last)) {
      views.splice(views.indexOf(last), 1);
      views.unshift(last);
    }
    const shown = views.filter(v => v.el.isConnected);
    for (const view of shown) {
      if (insertCellBelow(view.el, code)) {
        view.send({ event: 'cell_inserted' });
        return;
      }
    }
    for (const view of shown.length ? shown : views) {
      view.ui?.showCode(code);
    }
  }

  static serializers: ISerializers = {
    ...DOMWidgetModel.serializers
  };

  static model_name = 'GloveModel';
  static model_module = MODULE_NAME;
  static model_module_version = MODULE_VERSION;
  static view_name = 'GloveView';
  static view_module = MODULE_NAME;
  static view_module_version = MODULE_VERSION;

  private _gloveViews = new Set<GloveView>();
  private _lastActiveView: GloveView | null = null;
}

export class GloveView extends DOMWidgetView {
  ui: GloveUI | null = null;

  render(): void {
    super.render();
    this.el.classList.add('glove-widget-host');
    const host: IGloveHost = {
      get: name => this.model.get(name),
      set: (name, value) => this.model.set(name, value),
      saveChanges: () => {
        (this.model as GloveModel).noteActiveView(this);
        this.touch();
      },
      send: (message: FrontEndMessage) => {
        (this.model as GloveModel).noteActiveView(this);
        this.send(message);
      },
      on: (event, callback) => {
        this.listenTo(this.model, event, callback);
        return () => this.stopListening(this.model, event, callback);
      },
      onLost: callback => this._watchKernel(callback)
    };
    this.ui = new GloveUI(host, this.el);
    (this.model as GloveModel).registerView(this);
    // Keep the notebook's static picture of this view current (see picture.ts).
    this.listenTo(this.model, 'change:svg', this._schedulePicture);
    this._schedulePicture();
  }

  private _schedulePicture(): void {
    window.clearTimeout(this._pictureTimer);
    this._pictureTimer = window.setTimeout(() => {
      if (this.ui && !this.ui.isDisposed) {
        keepPicture(notebookTracker(), this.el, this.model.model_id, String(this.model.get('svg') ?? ''));
      }
    }, 300);
  }

  private _pictureTimer = 0;

  /**
   * Report once the kernel behind this view is gone: the model's comm is no
   * longer live (ipywidgets marks every model so when the kernel restarts),
   * or the notebook's kernel dies, is shut down or is replaced.
   */
  private _watchKernel(report: (reason: string) => void): () => void {
    const model = this.model as any;
    const stops: Array<() => void> = [];
    let said = false;
    const say = (reason: string): void => {
      if (!said) {
        said = true;
        report(reason);
      }
    };
    const onLive = (): void => {
      if (model.comm_live === false) {
        say('the kernel restarted or disconnected');
      }
    };
    this.listenTo(this.model, 'comm_live_update', onLive);
    stops.push(() => this.stopListening(this.model, 'comm_live_update', onLive));
    const manager = model.widget_manager;
    // JupyterLab's notebook widget manager has the notebook's session context;
    // a kernel-only manager (e.g. the Voila-style one) has just the kernel.
    const session = manager?.context?.sessionContext ?? manager?.sessionContext ?? null;
    const kernel = session?.session?.kernel ?? manager?.kernel ?? null;
    const kernelId: string | null = kernel?.id ?? null;
    const signals: Array<[any, (sender: unknown, value: any) => void]> = [];
    const onStatus = (_: unknown, status: unknown): void => {
      const reason = lostReason(String(status));
      if (reason) {
        say(reason);
      }
    };
    const onConnection = (_: unknown, status: unknown): void => {
      if (status === 'disconnected') {
        say('the connection to the kernel was lost');
      }
    };
    if (session) {
      signals.push([session.statusChanged, onStatus]);
      signals.push([session.connectionStatusChanged, onConnection]);
      signals.push([
        session.kernelChanged,
        (_: unknown, change: any) => {
          const next = change?.newValue ?? null;
          if (next === null) {
            say('the kernel was shut down');
          } else if (next.id !== kernelId) {
            say('the notebook now runs another kernel');
          }
        }
      ]);
    } else if (kernel) {
      signals.push([kernel.statusChanged, onStatus]);
      signals.push([kernel.connectionStatusChanged, onConnection]);
    }
    for (const [signal, slot] of signals) {
      try {
        signal?.connect?.(slot);
        stops.push(() => signal?.disconnect?.(slot));
      } catch {
        // Not a Lumino signal here: nothing to watch.
      }
    }
    // A view of a model restored from the notebook (no kernel behind it).
    window.setTimeout(onLive, 0);
    const status = session?.kernelDisplayStatus ?? kernel?.status;
    if (typeof status === 'string' && lostReason(status) === 'the kernel died') {
      window.setTimeout(() => say('the kernel died'), 0);
    }
    return () => {
      for (const stop of stops) {
        stop();
      }
    };
  }

  remove(): any {
    window.clearTimeout(this._pictureTimer);
    (this.model as GloveModel).unregisterView?.(this);
    this.ui?.dispose();
    this.ui = null;
    return super.remove();
  }
}
