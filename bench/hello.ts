// Baseline for start-up benchmarks: the smallest compiled Bun program.
console.log("hello");
