#!/usr/bin/env node
// The CLI, bundled into one file by `npm run build` (build:cli): loading one file instead of hundreds of modules
// halves start-up time.
import '../dist/lynkr.mjs';
