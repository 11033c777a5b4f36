// bands.js: colours for values cut into five bands, from bad to good,
// apart for colour-blind eyes (Okabe-Ito: vermillion, orange, yellow,
// sky blue, blue), and the measures a site's blocks are coloured by.

export const bandColours = ["#d55e00", "#e69f00", "#f0e442", "#56b4e9", "#0072b2"];

// The band of v among ascending edges: 0 under the first ... edges.length.
export const bandOf = (v, edges) => edges.filter((e) => v >= e).length;

// What a block is coloured by.  good: "high" when high values are good.
// Resistance's edges come from brul-alert's rule (warning, critical).
export function measures(rules) {
  const r = rules?.rules?.find((x) => x.metric === "resistance_mohm" && x.relative === "percent");
  const w = r?.warning ?? 20, c = r?.critical ?? 50;
  return {
    health: { name: "state of health", unit: " %", d: 1, good: "high", edges: [80, 85, 90, 95],
      value: (b) => b.soh_pct },
    rul: { name: "predicted RUL", unit: " d", d: 0, good: "high", edges: [30, 90, 180, 365],
      value: (b) => b.rul_days },
    // A room at 24-27 °C is one colour; a block 5 °C over it is not.
    temperature: { name: "temperature", unit: " °C", d: 1, good: "low", edges: [28, 32, 36, 40],
      value: (b) => b.temperature_c },
    resistance: { name: "resistance over baseline", unit: " %", d: 0, good: "low", edges: [w / 2, w, (w + c) / 2, c],
      value: (b) => (b.resistance_mohm && b.baseline_mohm ? (b.resistance_mohm / b.baseline_mohm - 1) * 100 : null) },
  };
}

// The colour of v for measure m (grey without a value).
export function colourOf(m, v) {
  if (v === null || v === undefined) return "#c4cad1";
  const i = bandOf(v, m.edges);
  return bandColours[m.good === "high" ? i : m.edges.length - i];
}
