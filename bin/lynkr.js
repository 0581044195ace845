#!/usr/bin/env node
// The built CLI; `npm run build` (or `npm start`) produces dist/.
import '../dist/main/cli/index.js';
