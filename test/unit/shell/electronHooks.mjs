// Module hook: resolves the specifier 'electron' to the recording fake beside this file.
const fake = new URL('./fakeElectron.ts', import.meta.url).href
export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'electron') return { url: fake, shortCircuit: true, format: 'module' }
  return nextResolve(specifier, context)
}
