import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cruise, type ICruiseResult, type IForbiddenRuleType } from 'dependency-cruiser';

/**
 * Layers only point down (issue 15): dependency-cruiser checks every import under src/ (type-only
 * imports too) against the rules in .dependency-cruiser.cjs.
 */
describe('the layer order', () => {
  it('no source file imports from a layer above its own', async () => {
    const config = createRequire(import.meta.url)('../../.dependency-cruiser.cjs') as { forbidden: IForbiddenRuleType[]; options: Record<string, unknown> };
    const { output } = await cruise(['src'], { ...config.options, validate: true, ruleSet: { forbidden: config.forbidden } } as never);
    const result = output as ICruiseResult;
    expect(result.summary.totalCruised).toBeGreaterThan(150);
    const violations = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
    expect(violations).toEqual([]);
  });

  it('no source file is over 350 lines', () => {
    const root = new URL('../../src/', import.meta.url).pathname;
    const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
    const long = files.map((f) => [f, readFileSync(join(root, f), 'utf8').split('\n').length - 1] as const).filter(([, n]) => n > 350);
    expect(long).toEqual([]);
  });
});
