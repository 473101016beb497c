#!/usr/bin/env node
// A throwaway PostgreSQL cluster for tests and CI: a fresh data directory under the system's
// temp dir, a server on 127.0.0.1 and a free port, one database, and nothing left behind after
// `stop`. No dependencies: only the PostgreSQL server binaries (Debian: `apt-get install
// postgresql`; its initdb lives in /usr/lib/postgresql/<major>/bin, outside PATH).
//
//   node scripts/pg-cluster.mjs start [--state FILE]   prints DATABASE_URL=…, records the cluster in FILE
//   node scripts/pg-cluster.mjs stop  [--state FILE]   stops it (pg_ctl stop -m fast) and removes its dir
//   node scripts/pg-cluster.mjs restart [--state FILE] restarts it in place (pg_ctl restart -m fast:
//                                                      same data dir and port; clients are cut off)
//   node scripts/pg-cluster.mjs run -- CMD ARGS…       start, run CMD with DATABASE_URL and
//                                                      PG_CLUSTER_STATE set, stop
//
// Every cluster also records itself in `<its dir>/cluster.json` ({ url, dir, port, bindir }); the
// test runner passes that path as PG_CLUSTER_STATE, so a test can restart the server mid-run
// (`node scripts/pg-cluster.mjs restart --state "$PG_CLUSTER_STATE"`).
//
// As root (CI containers), initdb refuses to run, so the server runs as the `postgres` OS user
// through `runuser -u postgres --`, and the temp dir is chowned to it.
import { spawnSync } from 'node:child_process'
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
/** Where `start` records the running cluster for a later `stop` (git-ignored `.tmp/`). */
export const DEFAULT_STATE_FILE = join(root, '.tmp', 'pg-cluster.json')
const SERVER_PROGRAMS = ['initdb', 'pg_ctl', 'postgres']

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0

function capture(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' })
  return r.status === 0 ? r.stdout.trim() : undefined
}

const hasServer = (dir) => Boolean(dir) && SERVER_PROGRAMS.every((p) => existsSync(join(dir, p)))

/**
 * The directory holding initdb, pg_ctl and postgres, or undefined. Tries `pg_config --bindir`
 * (Debian's pg_config may belong to libpq-dev and point at a dir without the server), then the
 * newest /usr/lib/postgresql/<major>/bin, then whatever initdb is on PATH.
 */
export function findPgBindir() {
  const candidates = []
  if (process.env.PG_BINDIR) candidates.push(process.env.PG_BINDIR)
  const fromConfig = capture('pg_config', ['--bindir'])
  if (fromConfig) candidates.push(fromConfig)
  const debian = '/usr/lib/postgresql'
  if (existsSync(debian)) {
    const majors = readdirSync(debian)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a))
    candidates.push(...majors.map((v) => join(debian, v, 'bin')))
  }
  const onPath = capture('sh', ['-c', 'command -v initdb'])
  if (onPath) candidates.push(dirname(onPath))
  return candidates.find(hasServer)
}

/** A port the kernel just handed out on 127.0.0.1 (free now; the server takes it right after). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** Run a server binary as the cluster's owner: `postgres` when we are root, else ourselves. */
function runAsOwner(bin, args, { quiet = false } = {}) {
  const [cmd, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args]
  const r = spawnSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim()
    throw new Error(
      `${bin.split('/').pop()} ${args[0] ?? ''} failed (exit ${r.status ?? r.signal}): ${out || r.error?.message}`
    )
  }
  if (!quiet && r.stderr.trim()) process.stderr.write(r.stderr)
  return r.stdout
}

function chownTree(path, uid, gid) {
  chownSync(path, uid, gid)
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const child = join(path, entry.name)
    if (entry.isDirectory()) chownTree(child, uid, gid)
    else chownSync(child, uid, gid)
  }
}

/**
 * Create, start and open a throwaway cluster. Resolves to `{ url, dir, port, bindir, stop }`;
 * `stop()` is synchronous so it can run from an exit handler.
 */
export async function startCluster({
  database = 'qfpay_test',
  log = (m) => console.error(m),
} = {}) {
  const bindir = findPgBindir()
  if (!bindir) {
    throw new Error(
      'PostgreSQL server binaries not found (initdb, pg_ctl, postgres). Install them (Debian: apt-get install -y postgresql) or set PG_BINDIR.'
    )
  }
  const dir = mkdtempSync(join(tmpdir(), 'qfpay-pg-'))
  const data = join(dir, 'data')
  const sockets = join(dir, 'sock')
  mkdirSync(sockets)
  let started = false
  const stop = () => stopCluster({ dir, bindir, started })
  try {
    if (isRoot()) {
      const uid = Number(capture('id', ['-u', 'postgres']))
      const gid = Number(capture('id', ['-g', 'postgres']))
      if (!Number.isInteger(uid) || !Number.isInteger(gid)) {
        throw new Error(
          'Running as root but there is no "postgres" OS user to run the server as (initdb refuses root).'
        )
      }
      chownTree(dir, uid, gid)
    }
    // trust is safe here: the server listens on loopback and a private socket dir only.
    runAsOwner(
      join(bindir, 'initdb'),
      [
        '-D',
        data,
        '-U',
        'postgres',
        '-A',
        'trust',
        '-E',
        'UTF8',
        '--locale=C',
        '--no-sync',
        '--no-instructions',
      ],
      { quiet: true }
    )
    let port
    for (let attempt = 1; ; attempt++) {
      port = await freePort()
      const opts = `-c listen_addresses=127.0.0.1 -p ${port} -k ${sockets} -c fsync=on -c max_connections=200`
      try {
        runAsOwner(
          join(bindir, 'pg_ctl'),
          ['-D', data, '-l', join(dir, 'postgres.log'), '-w', '-t', '60', '-o', opts, 'start'],
          { quiet: true }
        )
        break
      } catch (error) {
        // Someone may have taken the port between freePort() and the server's bind: try another.
        if (attempt >= 3) throw new Error(`${error.message}\n${readLog(dir)}`, { cause: error })
      }
    }
    started = true
    const createdb = join(bindir, 'createdb')
    const r = spawnSync(
      createdb,
      ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', database],
      { encoding: 'utf8' }
    )
    if (r.status !== 0) throw new Error(`createdb failed: ${r.stderr.trim()}`)
    const url = `postgres://postgres@127.0.0.1:${port}/${database}`
    const stateFile = join(dir, 'cluster.json')
    writeState(stateFile, { url, dir, port, bindir })
    log(`[pg-cluster] PostgreSQL (${bindir}) on 127.0.0.1:${port}, data in ${dir}`)
    return {
      url,
      dir,
      port,
      bindir,
      stateFile,
      stop: () => stopCluster({ dir, bindir, started: true }),
      restart: () => restartCluster({ dir, bindir }),
    }
  } catch (error) {
    stop()
    throw error
  }
}

function readLog(dir) {
  try {
    return readFileSync(join(dir, 'postgres.log'), 'utf8').split('\n').slice(-20).join('\n')
  } catch {
    return ''
  }
}

function writeState(file, { url, dir, port, bindir }) {
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, JSON.stringify({ url, dir, port, bindir }, null, 2) + '\n')
}

/**
 * Restart the cluster in `dir` in place: `pg_ctl restart -m fast` (every client connection is
 * terminated, in-flight transactions roll back), same data directory, same port and options
 * (pg_ctl reuses them from postmaster.opts). Returns once the server accepts connections again.
 */
export function restartCluster({ dir, bindir = findPgBindir() }) {
  if (!bindir) throw new Error('PostgreSQL server binaries not found (set PG_BINDIR).')
  runAsOwner(
    join(bindir, 'pg_ctl'),
    [
      '-D',
      join(dir, 'data'),
      '-l',
      join(dir, 'postgres.log'),
      '-m',
      'fast',
      '-w',
      '-t',
      '60',
      'restart',
    ],
    { quiet: true }
  )
}

/** Stop the cluster in `dir` (fast shutdown: disconnects clients) and remove the dir. */
export function stopCluster({ dir, bindir = findPgBindir(), started = true }) {
  if (started && bindir && existsSync(join(dir, 'data', 'postmaster.pid'))) {
    try {
      runAsOwner(
        join(bindir, 'pg_ctl'),
        ['-D', join(dir, 'data'), '-m', 'fast', '-w', '-t', '60', 'stop'],
        { quiet: true }
      )
    } catch (error) {
      console.error(`[pg-cluster] ${error.message}`)
    }
  }
  rmSync(dir, { recursive: true, force: true })
}

async function main(argv) {
  const [command, ...rest] = argv
  const stateAt = rest.indexOf('--state')
  const stateFile = stateAt >= 0 ? rest[stateAt + 1] : DEFAULT_STATE_FILE
  if (command === 'start') {
    const cluster = await startCluster()
    writeState(stateFile, cluster)
    console.log(`DATABASE_URL=${cluster.url}`)
    console.log(`PG_CLUSTER_STATE=${stateFile}`)
    return 0
  }
  if (command === 'restart') {
    if (!existsSync(stateFile)) {
      console.error(`[pg-cluster] no cluster recorded in ${stateFile}`)
      return 1
    }
    restartCluster(JSON.parse(readFileSync(stateFile, 'utf8')))
    return 0
  }
  if (command === 'stop') {
    if (!existsSync(stateFile)) {
      console.error(`[pg-cluster] no cluster recorded in ${stateFile}`)
      return 0
    }
    const state = JSON.parse(readFileSync(stateFile, 'utf8'))
    stopCluster(state)
    rmSync(stateFile, { force: true })
    return 0
  }
  if (command === 'run') {
    const cmd = rest[0] === '--' ? rest.slice(1) : rest
    if (cmd.length === 0) throw new Error('usage: pg-cluster.mjs run -- CMD ARGS…')
    const cluster = await startCluster()
    const stopOnSignal = (signal) => {
      cluster.stop()
      process.exit(signal === 'SIGINT' ? 130 : 143)
    }
    process.once('SIGINT', stopOnSignal)
    process.once('SIGTERM', stopOnSignal)
    try {
      const r = spawnSync(cmd[0], cmd.slice(1), {
        stdio: 'inherit',
        env: { ...process.env, DATABASE_URL: cluster.url, PG_CLUSTER_STATE: cluster.stateFile },
      })
      return r.status ?? 1
    } finally {
      cluster.stop()
    }
  }
  console.error('usage: pg-cluster.mjs start|stop|restart [--state FILE] | run -- CMD ARGS…')
  return 2
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(`[pg-cluster] ${error.message}`)
      process.exit(1)
    }
  )
}
