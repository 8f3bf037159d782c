import { createStore, get, set } from 'idb-keyval';
import type { PlanStore, StagePlan } from '../core/plan';

/** Whether a stored value looks like a plan: plans are read back from storage, so they are checked, not trusted. */
export function isStagePlan(value: unknown): value is StagePlan {
  const v = value as StagePlan;
  return (
    typeof v === 'object' && v !== null && (v.path === 'gpu' || v.path === 'cpu') &&
    (v.gpuMs === undefined || Number.isFinite(v.gpuMs)) && (v.cpuMs === undefined || Number.isFinite(v.cpuMs))
  );
}

/** Plans in IndexedDB (the browser): a value that does not look like a plan is ignored, not trusted. */
export function indexedDbPlanStore(): PlanStore {
  const store = createStore('aura-backend-plans', 'plans');
  return {
    async load(key) {
      const value = await get(key, store);
      return isStagePlan(value) ? value : undefined;
    },
    async save(key, plan) {
      await set(key, plan, store);
    },
  };
}

/** Plans in a JSON file (the edge node). */
export function filePlanStore(path: string): PlanStore {
  const read = async (): Promise<Record<string, unknown>> => {
    const fs = process.getBuiltinModule('node:fs/promises') as typeof import('node:fs/promises');
    try {
      const parsed: unknown = JSON.parse(await fs.readFile(path, 'utf8'));
      return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  };
  return {
    async load(key) {
      const value = (await read())[key];
      return isStagePlan(value) ? value : undefined;
    },
    async save(key, plan) {
      const fs = process.getBuiltinModule('node:fs/promises') as typeof import('node:fs/promises');
      const all = await read();
      all[key] = plan;
      await fs.writeFile(path, JSON.stringify(all, null, 2));
    },
  };
}
