// model.js: the model brul-predict uses (#/model), as brul-train recorded
// it: its features, its cross-validated errors and interval coverage by
// band of true RUL against the physics baseline's, and a sample of its
// out-of-fold predictions against the truth.

import { api } from "./api.js";
import { bars, colours, scatter } from "./chart.js";
import { el, fmt, table, when } from "./dom.js";

const BANDS = ["all", "0-90", "90-180", "180-365", "365+"];

export async function model(view) {
  let m;
  try {
    m = await api("/api/v1/model");
  } catch (e) {
    view.replaceChildren(el("h1", {}, "The model"), el("p", { class: "muted", id: "no-model" }, e.message));
    return;
  }
  const cv = m.cv ?? {}, oof = m.oof;
  const row = (band) => ({ band, m: cv.model?.[band], b: cv.baseline?.[band] });
  const rows = BANDS.filter((k) => cv.model?.[k]).map(row);
  const pts = oof ? oof.rul_true_days.map((x, i) => ({ x, y: oof.rul_pred_days[i],
    inside: oof.p10_days?.[i] !== null && oof.p10_days?.[i] <= x && x <= (oof.p90_days?.[i] ?? Infinity) })) : [];
  view.replaceChildren(
    el("h1", {}, `The model ${m.model_id}`),
    el("p", { class: "muted" }, `${m.objective ?? ""} · ${fmt(m.trees)} trees · ${m.features.length} features`,
      m.window_s ? ` over ${fmt(m.window_s / 3600)} h windows` : "", ` · brul ${m.brul_version ?? "?"} · `,
      `${m.file.name}, written ${when(m.file.modified)} UTC`),
    el("h2", {}, "Cross-validated, by band of true RUL (days)"),
    table("model-metrics", [
      ["Band", (r) => r.band],
      ["Rows", (r) => fmt(r.m.rows), "num"],
      ["MAE", (r) => fmt(r.m.mae_days), "num"], ["baseline", (r) => fmt(r.b?.mae_days), "num muted"],
      ["RMSE", (r) => fmt(r.m.rmse_days), "num hide-narrow"],
      ["p10–p90 holds the truth", (r) => `${fmt(r.m.coverage_pct, 1)} %`, "num"],
      ["baseline", (r) => `${fmt(r.b?.coverage_pct, 1)} %`, "num muted hide-narrow"],
      ["AUC 90 d", (r) => fmt(r.m.auc_90d, 3), "num hide-narrow"]], rows, (r) => ({ "data-band": r.band })),
    el("div", { class: "row" },
      pts.length ? scatter({ title: `Predicted against true RUL (days): ${fmt(oof.sampled)} of ${fmt(oof.rows)} out-of-fold rows, sampled evenly within each band`,
        xname: "true", yname: "predicted", points: pts }) :
        el("p", { class: "muted" }, "This model file has no sample of its predictions (brul-train before brul_oof)."),
      bars({ title: "Interval coverage by band (%), the model's", unit: " %", max: 100, ref: 80, refName: "80 % (the p10–p90 target)",
        items: rows.filter((r) => r.band !== "all").map((r) => ({ label: r.band, value: r.m.coverage_pct === null ? null : +r.m.coverage_pct.toFixed(1), colour: colours[0] })) })),
    el("h2", {}, "Features"),
    el("p", { id: "features" }, m.features.map((f) => el("code", {}, f))));
}
