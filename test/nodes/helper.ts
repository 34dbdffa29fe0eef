// Loads node-red-node-test-helper against the Node-RED line chosen by PRINTHOOKS_NODE_RED:
// "5" (default) = the node-red devDependency, "4" = the node-red-4 alias (4.1.x).
import helper = require('node-red-node-test-helper');

export const nodeRedLine = process.env.PRINTHOOKS_NODE_RED === '4' ? '4' : '5';
helper.init(require.resolve(nodeRedLine === '4' ? 'node-red-4' : 'node-red'));

export { helper };
