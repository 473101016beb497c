import { createMemoryStore } from './memory.ts'
import { describeStoreContract } from '../../test/support/store-contract/store-contract.ts'

describeStoreContract('memory store', async (options) => createMemoryStore(options))
