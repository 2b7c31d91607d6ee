import { createMemoryStore } from '../../src/store/memory.ts';
import { describeStoreConformance } from './conformance.ts';

describeStoreConformance({
  name: 'memory',
  createStore: async () => createMemoryStore(),
});
