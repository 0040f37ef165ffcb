#!/usr/bin/env node
/* Runs the TypeScript benchmark through Backstage's node transform (swc), no build step. */
require('@backstage/cli/config/nodeTransform.cjs');
require('./vertical-bench.ts');
