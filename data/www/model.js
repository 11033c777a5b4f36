// model.js: the model brul-predict uses (#/model), as brul-train recorded
// it: its features, its cross-validated errors and interval coverage by
// band of true RUL against the physics baseline's, a sample of its
// out-of-fold predictions against the truth, the calibration of its
// probabilities of failure at 30, 90 and 180 days, and its sudden part.

import { api } from "./api.js";
import { bars, colours, scatter } from "./chart.js";
import { el, fmt, table, when } from "./dom.js";

const BANDS = ["all", "0-90", "90-180", "180-365", "365+", "<=365", "<=365 wear-out"];
const HORIZONS = ["30d", "90d", "180d"];

// The reliability of P(fail within h) by bin: predicted against seen.
function reliability(cal) {
  const bins = [...Array(10).keys()].filter((b) => HORIZONS.some((h) => cal[h]?.n[b]));
  const cell = (h, b) => cal[h]?.n[b] ? `${fmt(cal[h].p_mean[b], 3)} / ${fmt(cal[h].failed[b], 3)}` : "–";
  return table("model-reliability", [
    ["P(fail)", (b) => `${(b / 10).toFixed(1)}–${((b + 1) / 10).toFixed(1)}`],
    ...HORIZONS.flatMap((h) => [[`${h.replace("d", " d")}: said / seen`, (b) => cell(h, b), "num"],
      ["rows", (b) => fmt(cal[h]?.n[b]), "num muted hide-narrow"]])], bins, (b) => ({ "data-bin": b }));
}

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
      `${m.file.name}, written ${when(m.file.modified)}`),
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
    ...(cv.model?.calibration ? [
      el("h2", {}, "Probabilities of failure: said against seen (cross-validated)"),
      el("p", { id: "model-ece" }, "Expected calibration error (0 is perfect): ",
        HORIZONS.map((h) => `${h.replace("d", " days")} ${fmt(cv.model.calibration[h].ece, 4)}`).join(" · "),
        ". In each bin of the probability said, the mean said and the share of rows that failed within the horizon."),
      reliability(cv.model.calibration),
      el("h2", {}, "Wear-out and sudden failure"),
      el("p", { id: "model-sudden" },
        `Sudden failures (an open or shorted cell, a thermal runaway) come at a rate of their own, which heat, age and a week's jump of resistance raise: `,
        m.hazard ? `in training, ${fmt(m.hazard.events)} rows (a block on a day) were followed by one within a year, over ${fmt(m.hazard.exposure_days / 365.25)} block-years followed. ` : "this model has no rate of them. ",
        `Within 90 days the cross-validation expected ${fmt(cv.model.sudden_90d.expected, 1)} and saw ${fmt(cv.model.sudden_90d.observed)}. `,
        `Wearing out is the rest: the "<=365 wear-out" row above is judged without them.`)] : []),
    el("h2", {}, "Features"),
    el("p", { id: "features" }, m.features.map((f) => el("code", {}, f))));
}
