'use strict';

// Jest counterpart of esbuild's `text` loader (serverless.yml): a `.yml` import is a module whose
// default export is the file's content.
module.exports = {
  process(sourceText) {
    return {
      code: `"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.default = ${JSON.stringify(sourceText)};\n`,
    };
  },
};
