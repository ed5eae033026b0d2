'use strict';

// Jest counterpart of the package-time config plugin (scripts/esbuild-plugins.cjs): a `.yml` import is
// a module whose default export is the file's parsed YAML, through the same parser the plugin uses.
const { require: requireTypeScript } = require('tsx/cjs/api');

module.exports = {
  process(sourceText, sourcePath) {
    const { parseConfigYaml } = requireTypeScript('../../shared/config/load-config.ts', __filename);
    const data = parseConfigYaml(sourceText, sourcePath);
    return {
      code: `"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.default = ${JSON.stringify(data)};\n`,
    };
  },
};
