/**
 * The `glove-lab:plugin` JupyterLab plugin: registers the glove_lab widget
 * classes with the ipywidgets manager.
 */

import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { IJupyterWidgetRegistry } from '@jupyter-widgets/base';
import { INotebookTracker } from '@jupyterlab/notebook';

import { setNotebookTracker } from './notebook';
import { watchNotebooks } from './picture';
import { GloveModel, GloveView } from './widget';
import { MODULE_NAME, MODULE_VERSION } from './version';

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'glove-lab:plugin',
  description: 'The glove_lab widget: click-to-rewrite view of symbolic trees.',
  requires: [IJupyterWidgetRegistry],
  optional: [INotebookTracker],
  autoStart: true,
  activate: (
    _app: JupyterFrontEnd,
    registry: IJupyterWidgetRegistry,
    tracker: INotebookTracker | null
  ): void => {
    setNotebookTracker(tracker);
    if (tracker) {
      watchNotebooks(tracker);
    }
    registry.registerWidget({
      name: MODULE_NAME,
      version: MODULE_VERSION,
      exports: { GloveModel, GloveView }
    });
  }
};

export default plugin;
