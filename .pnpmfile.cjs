// pnpm hooks.
//
// updateConfig: better-sqlite3 compiles from source here (no prebuilt binaries are reachable),
// and node-gyp would otherwise try to download Node's headers. Where the running Node ships its
// headers (as these machines do, under <prefix>/include/node), point node-gyp at them. pnpm
// passes only a few environment variables to build scripts, so this is the place to set it.
//
// readPackage: typescript-eslint (ESLint's TypeScript parser, used by eslint.config.js) needs
// TypeScript's JavaScript API, which TypeScript 7 (the native `tsc` every package builds and
// typechecks with) does not have. Its packages declare `typescript` as a peer, which would
// resolve to the workspace's 7.x; here they get TypeScript 5.9.3 as a dependency of their own.
const fs = require('node:fs')
const path = require('node:path')

const prefix = path.resolve(path.dirname(process.execPath), '..')
const hasHeaders = fs.existsSync(path.join(prefix, 'include', 'node', 'node_version.h'))

/** The TypeScript the lint parser loads (the newest 5.x, which typescript-eslint supports). */
const LINT_TYPESCRIPT = '5.9.3'

const needsTypescriptApi = (name) =>
  name === 'typescript-eslint' || name === 'ts-api-utils' || name.startsWith('@typescript-eslint/')

module.exports = {
  hooks: {
    updateConfig(config) {
      if (!hasHeaders || process.env.npm_config_nodedir) return config
      return { ...config, extraEnv: { ...config.extraEnv, npm_config_nodedir: prefix } }
    },
    readPackage(pkg) {
      if (needsTypescriptApi(pkg.name) && pkg.peerDependencies?.typescript) {
        delete pkg.peerDependencies.typescript
        if (pkg.peerDependenciesMeta) delete pkg.peerDependenciesMeta.typescript
        pkg.dependencies = { ...pkg.dependencies, typescript: LINT_TYPESCRIPT }
      }
      return pkg
    },
  },
}
