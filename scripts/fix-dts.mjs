#!/usr/bin/env node
// tsc keeps the `.ts` of relative imports in emitted .d.ts files (it rewrites them only in the
// JavaScript); published types must point at the `.js` beside them. Usage: fix-dts.mjs <dir>
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) walk(path)
    else if (path.endsWith('.d.ts')) {
      writeFileSync(
        path,
        readFileSync(path, 'utf8').replace(
          /(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\.ts\2/g,
          '$1$2$3.js$2'
        )
      )
    }
  }
}
const dir = process.argv[2]
if (!dir) throw new Error('Usage: fix-dts.mjs <dir with .d.ts files>')
walk(dir)
