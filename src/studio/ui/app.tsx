/** The Studio shell (placeholder while the views are written). */
export function App() {
  return <main class="app">skills-runtime Studio</main>;
}
