/* The workbook pages' front end: the widgets of a page, live on the page's own kernel.

   Voila renders each output of the notebook into the page as a
   <script type="application/vnd.voila.cell-output+json"> and loads JupyterLab's application
   (about 4 MB of scripts, mostly unused here) to draw them. These pages only ever show
   ipywidgets' own controls and HTML, so this script draws them itself: a widget manager over
   one kernel connection, the controls' views and nothing else. A page is then usable about
   as soon as it arrives, and the kernel, its link checks and its messages are the same as
   under Voila's own front end. */
import * as base from '@jupyter-widgets/base';
import { ManagerBase } from '@jupyter-widgets/base-manager';
/* ipywidgets' controls, only those the pages draw (pim_workbook.app.pages.workbook.WIDGETS):
   no slider, date, colour, media, tab or controller views to evaluate on every load. */
import * as bools from '@jupyter-widgets/controls/lib/widget_bool';
import * as boxes from '@jupyter-widgets/controls/lib/widget_box';
import * as buttons from '@jupyter-widgets/controls/lib/widget_button';
import * as descriptions from '@jupyter-widgets/controls/lib/widget_description';
import * as floats from '@jupyter-widgets/controls/lib/widget_float';
import * as ints from '@jupyter-widgets/controls/lib/widget_int';
import * as selections from '@jupyter-widgets/controls/lib/widget_selection';
import * as strings from '@jupyter-widgets/controls/lib/widget_string';
import * as uploads from '@jupyter-widgets/controls/lib/widget_upload';
import { ServerConnection } from '@jupyterlab/services/lib/serverconnection';
import { KernelConnection } from '@jupyterlab/services/lib/kernel/default';
import { MessageLoop } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import './pages.css';

const OUTPUT = 'script[type="application/vnd.voila.cell-output+json"]';
const WIDGET = 'application/vnd.jupyter.widget-view+json';
const MODULES = {
  '@jupyter-widgets/base': base,
  '@jupyter-widgets/controls': Object.assign({}, bools, boxes, buttons, descriptions, floats,
    ints, selections, strings, uploads),
};

class PageWidgets extends ManagerBase {
  constructor(kernel) {
    super();
    this.kernel = kernel;
    this.views = new Set();
    kernel.registerCommTarget(this.comm_target_name, (comm, message) =>
      this.handle_comm_open(new base.shims.services.Comm(comm), message));
    window.addEventListener('resize', () => this.views.forEach((view) =>
      MessageLoop.postMessage(view.luminoWidget, Widget.ResizeMessage.UnknownSize)));
  }

  async loadClass(className, moduleName) {
    const found = (MODULES[moduleName] || {})[className];
    if (!found) {
      throw new Error(`this page draws no ${moduleName} ${className}`);
    }
    return found;
  }

  async _create_comm(target, modelId, data, metadata, buffers) {
    const comm = this.kernel.createComm(target, modelId);
    if (data || metadata) {
      comm.open(data, metadata, buffers);
    }
    return new base.shims.services.Comm(comm);
  }

  async _get_comm_info() {
    const reply = await this.kernel.requestCommInfo({ target_name: this.comm_target_name });
    return reply.content.status === 'ok' ? reply.content.comms : {};
  }

  async display_view(view, host) {
    Widget.attach(view.luminoWidget, host);
    this.views.add(view);
    view.once('remove', () => this.views.delete(view));
  }

  /** Every widget the kernel holds, as the kernel has it now. */
  load() {
    return this._loadFromKernel();
  }
}

/** An output that is not a widget, drawn as JupyterLab would; its widget's id otherwise. */
function draw(output, host) {
  const data = output.data || {};
  if (data[WIDGET]) {
    host.className = 'lm-Widget lm-Panel jp-OutputArea-output';
    return data[WIDGET].model_id;
  }
  host.className = 'lm-Widget jp-OutputArea-output';
  if (data['text/html'] !== undefined) {
    host.classList.add('jp-RenderedHTMLCommon', 'jp-RenderedHTML');
    host.dataset.mimeType = 'text/html';
    host.innerHTML = data['text/html'];  /* the page's own, trusted output */
  } else if (data['image/png'] !== undefined) {
    const image = document.createElement('img');
    image.src = `data:image/png;base64,${data['image/png']}`;
    host.append(image);
  } else {
    const pre = document.createElement('pre');
    pre.textContent = output.output_type === 'stream' ? output.text
      : output.output_type === 'error' ? `${output.ename}: ${output.evalue}`
      : data['text/plain'] || '';
    host.classList.add('jp-RenderedText');
    host.append(pre);
  }
  return null;
}

async function start() {
  const config = JSON.parse(document.getElementById('jupyter-config-data').textContent);
  const kernel = new KernelConnection({
    model: { id: config.kernelId, name: 'python3' },
    serverSettings: ServerConnection.makeSettings({ baseUrl: config.baseUrl }),
    handleComms: true,
  });
  const manager = new PageWidgets(kernel);
  /* Ask for the widgets only once the kernel has answered: the manager gives the kernel four
     seconds to send them, counted from the request, and a slow link or a busy server can
     take longer than that just to open the connection. */
  const loaded = kernel.info.then(() => manager.load());
  const widgets = [];
  for (const script of document.querySelectorAll(OUTPUT)) {
    const host = document.createElement('div');
    const id = draw(JSON.parse(script.textContent), host);
    script.replaceWith(host);
    if (id) {
      widgets.push([id, host]);
    }
  }
  await loaded;
  for (const [id, host] of widgets) {
    try {
      await manager.display_view(await manager.create_view(await manager.get_model(id)), host);
    } catch (error) {
      host.textContent = `This part of the page could not be drawn: ${error.message}`;
    }
  }
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start);
} else {
  start();
}
