/**
 * The libraries' dependency direction (docs/architecture.md): no cycles between files or libraries,
 * each library reached only through its entry point, and the domain depending on nothing.
 */
const LIB = '^libs/[^/]+/src/';
/** The libraries' layers as docs/architecture.md draws them, lowest first: each uses only lower layers. */
const LAYERS = [
  ['domain', 'event-store', 'clock'],
  ['event-envelope', 'eventstoredb', 'postgres'],
  ['command-handling', 'read-models'],
  ['messaging', 'scheduling'],
  ['kafka'],
];
const layerRules = LAYERS.flatMap((layer, i) =>
  layer.map((lib) => ({
    name: `layer-of-${lib}`,
    comment: `${lib} uses only libraries of the layers below it (docs/architecture.md).`,
    severity: 'error',
    from: { path: `^libs/${lib}/src/` },
    to: {
      path: `^libs/(${LAYERS.slice(i)
        .flat()
        .filter((other) => other !== lib)
        .join('|')})/src/`,
    },
  })),
);
const ENTRY = '^libs/[^/]+/src/(testing/|views/)?index\\.ts$';
module.exports = {
  forbidden: [
    ...layerRules,
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'through-the-entry-point',
      comment:
        'Another library is reached only through its index (or testing/index, for specs; views/index, types alone).',
      severity: 'error',
      from: { path: '^libs/([^/]+)/src/' },
      to: { path: LIB, pathNot: ['^libs/$1/src/', ENTRY] },
    },
    {
      name: 'apps-and-tests-through-the-entry-point',
      severity: 'error',
      from: { path: '^(apps|test|bench)/' },
      to: { path: LIB, pathNot: ENTRY },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      from: { path: '^libs/domain/src/', pathNot: '\\.spec\\.ts$' },
      to: { pathNot: '^libs/domain/src/' },
    },
    {
      name: 'libraries-never-reach-into-apps-or-tests',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^(apps|test|bench)/' },
    },
    {
      name: 'production-code-never-loads-test-support',
      severity: 'error',
      from: { path: '^(libs|apps)/', pathNot: ['\\.spec\\.ts$', '/testing/'] },
      to: { path: '/testing/' },
    },
    {
      name: 'app-rooms-never-reach-back-into-the-engine',
      comment:
        'The engine wires ports to adapters and uses the rooms below it (observability, health); no room imports it ' +
        'back. The injection tokens they share live on the ground floor, apps/omnichannel/src/tokens.ts.',
      severity: 'error',
      from: { path: '^apps/omnichannel/src/[^/]+/', pathNot: '^apps/omnichannel/src/(engine|replay)/' },
      to: { path: '^apps/omnichannel/src/engine/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|coverage)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
