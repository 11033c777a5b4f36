// bands.js: colours for values cut into five bands, from bad to good,
// apart for colour-blind eyes (Okabe-Ito: vermillion, orange, yellow,
// sky blue, blue), and the measures a site's blocks are coloured by.

export const bandColours = ["#d55e00", "#e69f00", "#f0e442", "#56b4e9", "#0072b2"];

// The band of v among ascending edges: 0 under the first ... edges.length.
export const bandOf = (v, edges) => edges.filter((e) => v >= e).length;

// The median of the finite values, or null.
function median(xs) {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return v.length ? (v[(v.length - 1) >> 1] + v[v.length >> 1]) / 2 : null;
}

// A block's state of health, null when its estimate cannot tell its
// band (soh_known false) or it has none.
export const healthOf = (b) => (b.soh_known === false ? null : b.soh_pct ?? null);
// Its latest resistance over its baseline (%), null without either.
export const overBaseline = (b) =>
  (b.resistance_mohm && b.baseline_mohm ? (b.resistance_mohm / b.baseline_mohm - 1) * 100 : null);

// What a block is coloured by.  good: "high" when high values are good.
// Resistance's edges come from brul-alert's rule (warning, critical);
// the site's median temperature from its blocks.
export function measures(rules, blocks = []) {
  const mid = median(blocks.map((b) => b.temperature_c));
  const r = rules?.rules?.find((x) => x.metric === "resistance_mohm" && x.relative === "percent");
  const w = r?.warning ?? 20, c = r?.critical ?? 50;
  return {
    health: { name: "state of health", unit: " %", d: 1, good: "high", edges: [80, 85, 90, 95],
      // grey when the estimate cannot tell a band (soh_known false)
      value: healthOf },
    rul: { name: "predicted RUL", unit: " d", d: 0, good: "high", edges: [30, 90, 180, 365],
      value: (b) => b.rul_days },
    // A room at 24-27 °C is one colour; a block 5 °C over it is not.
    temperature: { name: "temperature", unit: " °C", d: 1, good: "low", edges: [28, 32, 36, 40],
      value: (b) => b.temperature_c },
    // A string running hot beside its neighbours, whatever the room.
    warmer: { name: "temperature over the site's median", unit: " °C", d: 1, good: "low", edges: [1, 3, 5, 8],
      value: (b) => (b.temperature_c === null || mid === null ? null : b.temperature_c - mid) },
    resistance: { name: "resistance over baseline", unit: " %", d: 0, good: "low", edges: [w / 2, w, (w + c) / 2, c],
      value: overBaseline },
  };
}

// The colour of v for measure m (grey without a value).
export function colourOf(m, v) {
  if (v === null || v === undefined) return "#c4cad1";
  const i = bandOf(v, m.edges);
  return bandColours[m.good === "high" ? i : m.edges.length - i];
}
