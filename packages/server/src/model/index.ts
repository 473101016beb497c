/**
 * The checkout domain model: records, the status graph and its named sets, and the pure `plan*`
 * decisions every store shares. Nothing here does I/O; `store/` persists what these decide.
 */
export * from './records.ts'
export * from './status.ts'
export * from './plan-write.ts'
export * from './plan-refund.ts'
