/** autocannon ships no types; src/lib/load.ts uses it through this loose declaration. */
declare module 'autocannon' {
  const autocannon: (options: unknown) => PromiseLike<unknown> & { stop(): void }
  export default autocannon
}
