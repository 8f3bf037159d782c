import { describe, expect, it } from 'vitest';
import { SERVICE_NAMES } from '../../../src/core/names';
import { SERVICE_REGISTRY } from '../../../src/runtime/service-registry';

describe('the service registry', () => {
  it('names every service once, in the order of SERVICE_NAMES', () => {
    expect(SERVICE_REGISTRY.map((d) => d.name)).toEqual([...SERVICE_NAMES]);
  });
});
