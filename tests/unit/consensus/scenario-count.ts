/**
 * Seeded simulator scenarios per run: 5,000 in CI (the bar), 1,000 on a shared development
 * machine; AURA_CONSENSUS_SCENARIOS overrides both.
 */
export const SCENARIOS = Number(process.env.AURA_CONSENSUS_SCENARIOS ?? (process.env.CI ? 5_000 : 1_000));
