// Text assets (prompts, tool descriptions, default config) are imported as text so they live in the bundle.
declare module "*.md" {
  const text: string;
  export default text;
}
declare module "*.yaml" {
  const text: string;
  export default text;
}
