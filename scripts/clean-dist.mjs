#!/usr/bin/env node
// Removes ./dist before a build, so a file deleted from src/ cannot linger into a tarball.
import { rmSync } from 'node:fs'

rmSync('dist', { recursive: true, force: true })
