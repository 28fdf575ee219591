// An esbuild plugin for the packages imapflow imports when it loads but mailshift reaches rarely or
// never: its pino logger (we give it none), SOCKS proxies (we connect directly), the MIME decoders
// of downloads and parsed envelopes (we read raw messages; libmime decodes only the headers a plan
// shows its deletions by), and iconv-lite, for UTF-7 folder names
// only (most of its half megabyte is other charsets' tables). Each is left out of the bundle and
// stands in as a module whose exports load the real package from node_modules the first time one
// is called, constructed or read. Parsing and running them at every start took ~60 ms.

/** Package → the named exports imapflow imports from it (besides its default). @type {Record<string, string[]>} */
const LAZY = {
  pino: [],
  libmime: [],
  'iconv-lite': [],
  socks: ['SocksClient'],
  'encoding-japanese': [],
  libqp: [],
  libbase64: [],
  '@zone-eu/mailsplit': ['Headers'],
  '@zone-eu/mailsplit/lib/flowed-decoder.js': [],
};

const NAMESPACE = 'lazy-dependency';

/**
 * The stand-in's source (ESM): a default export and the named ones, each a proxy of the real value.
 * @param {string} name
 */
function standIn(name) {
  const named = (LAZY[name] ?? []).map((key) => `export const ${key} = lazy(() => load()[${JSON.stringify(key)}]);`);
  return [
    "import { createRequire } from 'node:module';",
    'let real;',
    // Resolved from imapflow, as its own import would be (npm may nest the package under it); the
    // onResolve below keeps this a require() at run time.
    `const load = () => (real ??= createRequire(createRequire(import.meta.url).resolve('imapflow'))(${JSON.stringify(name)}));`,
    'const lazy = (value) => new Proxy(function () {}, {',
    '  apply: (_, self, args) => Reflect.apply(value(), self, args),',
    '  construct: (_, args) => Reflect.construct(value(), args),',
    '  get: (_, key) => Reflect.get(value(), key),',
    '  set: (_, key, to) => Reflect.set(value(), key, to),',
    '  has: (_, key) => Reflect.has(value(), key),',
    '});',
    'export default lazy(load);',
    ...named,
    '',
  ].join('\n');
}

/** @type {import('esbuild').Plugin} */
export const lazyDependencies = {
  name: 'lazy-dependencies',
  setup(build) {
    const filter = new RegExp(
      `^(${Object.keys(LAZY)
        .map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
        .join('|')})$`,
    );
    build.onResolve({ filter }, (args) =>
      args.namespace === NAMESPACE ? { path: args.path, external: true } : { path: args.path, namespace: NAMESPACE },
    );
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({ contents: standIn(args.path), loader: 'js' }));
  },
};
