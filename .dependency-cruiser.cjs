/**
 * The layer order (issue 15): each layer imports only from itself and the layers below it.
 * core (names shared by all, errors, env, metrics) → gpu → kernels → services (with models/, their
 * loaders) → pipeline → runtime → faces (app, worker, edge, cli, the package's index).
 * Checked by tests/unit/layers.test.ts (npm test) and `npx depcruise src`.
 */
const LAYERS = [
  ['core', '^src/(core|metrics)/|^src/(errors|env)\\.ts$'],
  ['gpu', '^src/gpu/'],
  ['kernels', '^src/kernels/'],
  ['services', '^src/(services|models)/'],
  ['pipeline', '^src/pipeline/'],
  ['runtime', '^src/runtime/'],
  ['faces', '^src/(app|worker|edge|cli)/|^src/index\\.ts$'],
];

const upward = LAYERS.slice(0, -1).map(([name, path], i) => ({
  name: `${name}-imports-upward`,
  comment: `${name} may import only from ${LAYERS.slice(0, i + 1).map(([n]) => n).join(', ')}`,
  severity: 'error',
  from: { path },
  to: { path: LAYERS.slice(i + 1).map(([, p]) => `(${p})`).join('|') },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'no-unplaced-source',
      comment: 'every source file belongs to a layer: add its folder to LAYERS in .dependency-cruiser.cjs',
      severity: 'error',
      from: { path: '^src/', pathNot: LAYERS.map(([, p]) => `(${p})`).join('|') },
      to: {},
    },
  ],
  options: {
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['es6'],
  },
};
