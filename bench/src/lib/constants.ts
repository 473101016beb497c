/** Fixed, throwaway sandbox credentials (32 hex, the shape QFPay issues). Not secrets anywhere. */
export const APPCODE = 'B3C4D5E6F708192A3B4C5D6E7F801234'
export const KEY = '7AC2E7D00D1E4F0BA5E1F00DFACE0FF2'
export const HOST = '127.0.0.1'

/** A logger that drops everything: log I/O is not what the benchmarks measure. */
export const quietLogger = { info() {}, warn() {}, error() {} }
