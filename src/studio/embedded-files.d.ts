// The built Studio files are imported by src/studio/generated/ui-manifest.ts with `with { type: "file" }`: the
// value is a path (on disk under `bun`, inside the binary when compiled). These patterns only apply to imports
// that TypeScript cannot resolve to a .ts/.d.ts file, i.e. the bundle outputs in dist/studio-ui/.
declare module "*.js" {
  const path: string;
  export default path;
}
declare module "*.css" {
  const path: string;
  export default path;
}
declare module "*.svg" {
  const path: string;
  export default path;
}
declare module "*.png" {
  const path: string;
  export default path;
}
declare module "*.woff2" {
  const path: string;
  export default path;
}
