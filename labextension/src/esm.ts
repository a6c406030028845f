/**
 * anywidget-style entry point (`export default { render }`), for front ends
 * that load widget views as ES modules (VS Code, Colab). Not part of the
 * JupyterLab extension bundle: bundle this file (and style/base.css) on its
 * own when that route is wanted. Without a notebook API, `insert_cell`
 * shows the code with a Copy button.
 */

import { IGloveHost, IViewState, FrontEndMessage } from './types';
import { GloveUI } from './ui';

/** The part of anywidget's model interface (`AnyModel<T>`) used here. */
export interface IAnyModel<T> {
  get<K extends keyof T & string>(name: K): T[K];
  set<K extends keyof T & string>(name: K, value: T[K]): void;
  save_changes(): void;
  send(content: unknown): void;
  on(event: string, callback: (...args: any[]) => void): void;
  off(event: string, callback: (...args: any[]) => void): void;
}

export function render({ model, el }: {
  model: IAnyModel<IViewState>;
  el: HTMLElement;
}): () => void {
  const host: IGloveHost = {
    get: name => model.get(name),
    set: (name, value) => model.set(name, value),
    saveChanges: () => model.save_changes(),
    send: (message: FrontEndMessage) => model.send(message),
    on: (event, callback) => {
      model.on(event, callback);
      return () => model.off(event, callback);
    }
  };
  const ui = new GloveUI(host, el);
  const onMessage = (content: any): void => {
    if (content && content.event === 'insert_cell' && typeof content.code === 'string') {
      ui.showCode(content.code);
    }
  };
  model.on('msg:custom', onMessage);
  return () => {
    model.off('msg:custom', onMessage);
    ui.dispose();
  };
}

export default { render };
