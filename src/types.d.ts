// Text assets (prompts, tool descriptions, default config) are imported as text so they live in the bundle.
declare module "*.md" {
  const text: string;
  export default text;
}
declare module "*.yaml" {
  const text: string;
  export default text;
}
declare module "*.sql" {
  const text: string;
  export default text;
}
// Scripts of the built-in skills are imported as text (`with { type: "text" }`) so they live in the bundle.
declare module "*.sh" {
  const text: string;
  export default text;
}
