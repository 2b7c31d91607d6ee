/**
 * The visualizer's entry point, bundled by the server with esbuild (see
 * src/server/visualizer-bundle.ts). elk.js is loaded before it by index.html.
 */
import './styles/base.css';
import './styles/layout.css';
import './styles/chart.css';
import './styles/tasks.css';
import './styles/queue.css';
import './styles/detail.css';
import './styles/inspector.css';
import { App } from './app/app.ts';

void new App(document.body).boot();
