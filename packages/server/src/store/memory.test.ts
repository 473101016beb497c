import { afterEach, beforeEach, describe, it } from 'node:test'
import { createMemoryStore } from './memory.ts'
// Through the public entry, as a merchant proving their own store would.
import { describeStoreContract } from '../testing/index.ts'

describeStoreContract('memory store', async (options) => createMemoryStore(options), {
  describe,
  it,
  beforeEach,
  afterEach,
})
