#!/usr/bin/env node
// Entry point: everything lives in the compiled CLI (npm run build → dist/).
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2));
