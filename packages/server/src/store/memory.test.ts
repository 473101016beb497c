import { createMemoryStore } from './memory.ts'
import { describeStoreContract } from './store-contract.ts'

describeStoreContract('memory store', async (options) => createMemoryStore(options))
