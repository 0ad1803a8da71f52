/**
 * The add-in manifest is generated, one per environment, from
 * addin/manifest.template.xml by replacing {{BASE_URL}} with the service origin.
 * (service/server.ts does the same substitution when it serves /manifest.xml.)
 * @example renderManifest(template, 'https://localhost:8787')
 */
export function renderManifest(template: string, baseUrl: string): string {
  const url = new URL(baseUrl)
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1'
  if (url.protocol !== 'https:' && !local) throw new Error(`Office requires https for add-in URLs: ${baseUrl}`)
  const note = `<!-- Generated from addin/manifest.template.xml for ${url.origin} by addin/scripts/manifest.ts; edit the template. -->`
  return template.replace(/<!--[\s\S]*?-->/, note).replaceAll('{{BASE_URL}}', url.origin)
}
