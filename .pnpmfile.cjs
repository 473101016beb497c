// better-sqlite3 compiles from source here (no prebuilt binaries are reachable), and node-gyp
// would otherwise try to download Node's headers. Where the running Node ships its headers
// (as these machines do, under <prefix>/include/node), point node-gyp at them. pnpm passes
// only a few environment variables to build scripts, so this is the place to set it.
const fs = require('node:fs')
const path = require('node:path')

const prefix = path.resolve(path.dirname(process.execPath), '..')
const hasHeaders = fs.existsSync(path.join(prefix, 'include', 'node', 'node_version.h'))

module.exports = {
  hooks: {
    updateConfig(config) {
      if (!hasHeaders || process.env.npm_config_nodedir) return config
      return { ...config, extraEnv: { ...config.extraEnv, npm_config_nodedir: prefix } }
    },
  },
}
