/** Small stroke icons as inline SVG (no icon font, no emoji: they render the same everywhere). */
const PATHS = {
  trash: "M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3",
  pencil: "M4 20h4L19 9l-4-4L4 16v4zM13.5 6.5l4 4",
  fork: "M6 3v12M9 18a3 3 0 1 1-6 0a3 3 0 1 1 6 0M21 6a3 3 0 1 1-6 0a3 3 0 1 1 6 0M18 9a9 9 0 0 1-9 9",
  close: "M6 6l12 12M18 6L6 18",
  menu: "M4 7h16M4 12h16M4 17h16",
} as const;

export type IconName = keyof typeof PATHS;

export function Icon(props: { name: IconName; label?: string }) {
  return (
    <svg class="svg-icon" viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden={props.label ? undefined : "true"} role={props.label ? "img" : undefined}>
      {props.label ? <title>{props.label}</title> : null}
      <path d={PATHS[props.name]} />
    </svg>
  );
}
