// Module resolve hook (node:module register): `…/notifier.node` is a TypeScript file, but Node and
// tsx read the `.node` suffix as a native addon. Until the file is renamed, point it at the .ts.
export async function resolve(specifier, context, nextResolve) {
  if (specifier.endsWith('/notifier.node')) return nextResolve(`${specifier}.ts`, context);
  return nextResolve(specifier, context);
}
