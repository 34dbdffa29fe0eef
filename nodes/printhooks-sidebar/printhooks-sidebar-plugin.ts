import type { NodeAPI } from 'node-red';
import { registerSidebarRoutes } from '../shared/sidebar-routes';

/**
 * The PrintHooks editor sidebar (docs/editor.md "Sidebar"): a Node-RED plugin, so it loads once
 * whatever nodes a flow holds. Its runtime part is the sidebar's admin routes; its editor part
 * (printhooks-sidebar-plugin.html) loads resources/printhooks-sidebar.js.
 */
export = function register(RED: NodeAPI): void {
  const plugins = (RED as unknown as { plugins?: { registerPlugin(id: string, definition: object): void } }).plugins;
  plugins?.registerPlugin('printhooks-sidebar', { type: 'printhooks-sidebar' });
  registerSidebarRoutes(RED);
};
